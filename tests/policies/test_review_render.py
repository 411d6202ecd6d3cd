"""How the review reads the facts of engine events and words them, without the engine."""

from __future__ import annotations

from typing import Any

from orgaccess.engine_result import Diagnostic, PolicyViolation, Result, Step
from orgaccess.review import preview_of, render

BINDING = "pulumi-python:dynamic/orgaccess:RoleBinding"
URN = f"urn:pulumi:t::orgaccess::{BINDING}::org-partner-a/Premium App"


def binding(roles: list[str], justification: str | None = None) -> dict[str, Any]:
    props = {"org": "org-partner-a", "homeOrg": "org-primary", "serviceAccount": "Premium App", "roles": roles}
    return {**props, "justification": justification, "drift": []}


def step(op: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> Result:
    return Result("preview", 0, steps=(Step(URN, BINDING, op, ("roles",), old, new),))


def test_a_policy_message_loses_the_description_the_engine_puts_before_it() -> None:
    violation = PolicyViolation("p", "orgaccess", "advisory", URN, "Describe.\nFix it.")
    (result,) = preview_of(Result("preview", 0, policy_violations=(violation,))).policies
    assert (result.subject, result.message) == ("RoleBinding org-partner-a/Premium App", "Fix it.")


def test_an_added_grant_shows_the_justification_a_reviewer_weighs_it_against() -> None:
    report = render(preview_of(step("update", binding(["A"]), binding(["A", "B"], "legal asked"))))
    assert '- Grants to Premium App: + B — justification: "legal asked"' in report


def test_a_removed_grant_shows_no_justification() -> None:
    report = render(preview_of(step("update", binding(["A", "B"], "legal asked"), binding(["A"], "legal asked"))))
    assert "- Grants to Premium App: - B\n" in report


def test_engine_errors_are_shown_without_the_generic_outcome_line() -> None:
    errors = tuple(Diagnostic("error", m) for m in ("access.yaml:3: unknown key", "preview failed"))
    assert preview_of(Result("preview", 255, diagnostics=errors)).errors == ["access.yaml:3: unknown key"]
