"""How the review reads the facts of engine events and words them, without the engine."""

from __future__ import annotations

from typing import Any

from orgaccess.engine.result import Diagnostic, PolicyViolation, Result, Step
from orgaccess.reconciler.drift import Drift, as_records
from orgaccess.reconciler.kinds import org_access
from orgaccess.reports.review import preview_of, render

BINDING = "pulumi-python:dynamic/orgaccess:RoleBinding"
URN = f"urn:pulumi:t::orgaccess::{BINDING}::org-partner-a/Premium App"


def binding(roles: list[str], justification: str | None = None) -> dict[str, Any]:
    props = {"org": "org-partner-a", "homeOrg": "org-primary", "serviceAccount": "Premium App", "roles": roles}
    return {**props, "justification": justification, "drift": []}


def step(op: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> Result:
    return Result("preview", 0, steps=(Step(URN, BINDING, op, ("roles",), old, new),))


def test_a_policy_message_loses_the_description_the_engine_puts_before_it() -> None:
    violation = PolicyViolation("p", "advisory", URN, "Describe.\nFix it.")
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


ORG = "pulumi-python:dynamic/orgaccess:OrgAccess"


def org_step(op: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> Result:
    return Result("preview", 0, steps=(Step(f"urn:pulumi:t::orgaccess::{ORG}::org-partner-a", ORG, op, (), old, new),))


def org(roles: list[str], drift: list[Drift]) -> dict[str, Any]:
    role = {"org": "org-partner-a", "name": "Recording Analyst", "permissions": ["recording:view"]}
    grants = {"org": "org-partner-a", "homeOrg": "org-primary", "serviceAccount": "Premium App", "roles": roles}
    spec = org_access.KIND.declared("org-partner-a", {"roles": [role], "bindings": [grants]})
    return {**spec, "drift": as_records(drift)}


def test_an_org_resource_reads_as_one_change_per_object_with_its_drift() -> None:
    binding = "org-partner-a/Premium App"
    drift = [
        Drift(
            org="org-partner-a",
            kind="RoleBinding",
            name=binding,
            field="roles",
            declared=["Recording Analyst"],
            actual=[],
        )
    ]
    preview = preview_of(org_step("update", org([], []), org(["Recording Analyst"], drift)))
    assert [(s.op, s.kind, s.name) for s in preview.steps] == [
        ("same", "Role", "Recording Analyst"),
        ("update", "RoleBinding", "Premium App"),
    ]
    report = render(preview)
    assert "Resources: 1 to update." in report
    assert "- Grants to Premium App: + Recording Analyst\n" in report
    assert "- org-partner-a RoleBinding Premium App: roles: live [] -> declared [Recording Analyst]" in report
