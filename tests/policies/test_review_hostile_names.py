"""The review quotes the platform's live state; a hostile name there reads as inert text in the PR."""

from __future__ import annotations

import re
from typing import Any

from orgaccess.engine.result import Diagnostic, Result, Step
from orgaccess.reconciler.drift import Drift, as_records
from orgaccess.reports.review import preview_of, render

BINDING = "pulumi-python:dynamic/orgaccess:RoleBinding"
URN = f"urn:pulumi:t::orgaccess::{BINDING}::org-partner-a/Premium App"
# Reversed text, a terminal escape, a link, an HTML block that closes the <details> around it.
# Markdown that would act: a link's `](`, or an HTML tag, not preceded by a backslash.
UNESCAPED = re.compile(r"(?<!\\)(\]\(|<img)")
HOSTILE = "Analyst\u202e\x1b[2J[approve](https://evil.example)</details><img src=x>"


def drifted_binding(live: list[str]) -> Result:
    props = {"org": "org-partner-a", "homeOrg": "org-primary", "serviceAccount": "Premium App", "roles": ["A"]}
    drift = Drift(org="org-partner-a", kind="RoleBinding", name="org-partner-a/Premium App", field="roles",
                  declared=["A"], actual=live)  # fmt: skip
    inputs: dict[str, Any] = {**props, "justification": None, "drift": as_records([drift])}
    return Result("preview", 0, steps=(Step(URN, BINDING, "update", ("drift",), inputs, inputs),))


def test_a_hostile_live_name_in_the_drift_is_escaped_in_the_review() -> None:
    report = render(preview_of(drifted_binding([HOSTILE])))
    assert "\u202e" not in report and "\x1b" not in report
    assert not UNESCAPED.search(report)
    assert len(re.findall(r"(?<!\\)</details>", report)) == 1
    # Rendered, `\\u202e` reads `\u202e`: the reviewer sees what the name holds.
    assert r"Analyst\\u202e\\x1b[2J[approve\]" in report


def test_an_engine_error_quoting_the_platform_cannot_close_its_code_block() -> None:
    message = "platform said: ```\n# Approved\x1b[8m"
    preview = preview_of(Result("preview", 255, diagnostics=(Diagnostic("error", message),)))
    report = render(preview)
    assert "\x1b" not in report and report.count("```") == 2
