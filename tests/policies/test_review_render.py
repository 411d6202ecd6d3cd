"""How the review reads engine events and words them, without the engine."""

from __future__ import annotations

import json
from typing import Any

from orgaccess.kinds import org_access
from orgaccess.review import parse_events, render

BINDING = "pulumi-python:dynamic/orgaccess:RoleBinding"
URN = f"urn:pulumi:t::orgaccess::{BINDING}::org-partner-a/Premium App"


def binding(roles: list[str], justification: str | None = None) -> dict[str, Any]:
    props = {"org": "org-partner-a", "homeOrg": "org-primary", "serviceAccount": "Premium App", "roles": roles}
    return {"inputs": {**props, "justification": justification, "drift": []}}


def step(op: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> str:
    meta = {"op": op, "urn": URN, "type": BINDING, "old": old, "new": new}
    return json.dumps({"resourcePreEvent": {"metadata": meta}})


def test_a_policy_message_loses_the_description_the_engine_puts_before_it() -> None:
    event = {"policyName": "p", "enforcementLevel": "advisory", "resourceUrn": URN, "message": "Describe.\nFix it.\n"}
    (result,) = parse_events([json.dumps({"policyEvent": event})]).policies
    assert (result.subject, result.message) == ("RoleBinding org-partner-a/Premium App", "Fix it.")


def test_an_added_grant_shows_the_justification_a_reviewer_weighs_it_against() -> None:
    report = render(parse_events([step("update", binding(["A"]), binding(["A", "B"], "legal asked"))]))
    assert '- Grants to Premium App: + B — justification: "legal asked"' in report


def test_a_removed_grant_shows_no_justification() -> None:
    report = render(parse_events([step("update", binding(["A", "B"], "legal asked"), binding(["A"], "legal asked"))]))
    assert "- Grants to Premium App: - B\n" in report


def test_engine_errors_are_shown_without_the_generic_outcome_line() -> None:
    errors = [{"severity": "error", "message": m} for m in ("access.yaml:3: unknown key\n", "preview failed\n")]
    preview = parse_events(json.dumps({"diagnosticEvent": e}) for e in errors)
    assert preview.errors == ["access.yaml:3: unknown key"]


ORG = "pulumi-python:dynamic/orgaccess:OrgAccess"


def org_step(op: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> str:
    meta = {"op": op, "urn": f"urn:pulumi:t::orgaccess::{ORG}::org-partner-a", "type": ORG, "old": old, "new": new}
    return json.dumps({"resourcePreEvent": {"metadata": meta}})


def org(roles: list[str], drift: list[str]) -> dict[str, Any]:
    role = {"org": "org-partner-a", "name": "Recording Analyst", "permissions": ["recording:view"]}
    grants = {"org": "org-partner-a", "homeOrg": "org-primary", "serviceAccount": "Premium App", "roles": roles}
    spec = org_access.KIND.declared("org-partner-a", {"roles": [role], "bindings": [grants]})
    return {"inputs": {**spec, "drift": drift}}


def test_an_org_resource_reads_as_one_change_per_object_with_its_drift() -> None:
    drift = ["RoleBinding Premium App: roles: live [] -> declared [Recording Analyst]"]
    preview = parse_events([org_step("update", org([], []), org(["Recording Analyst"], drift))])
    assert [(s.op, s.kind, s.name) for s in preview.steps] == [
        ("same", "Role", "Recording Analyst"),
        ("update", "RoleBinding", "Premium App"),
    ]
    report = render(preview)
    assert "Resources: 1 to update." in report
    assert "- Grants to Premium App: + Recording Analyst\n" in report
    assert "- org-partner-a RoleBinding Premium App: roles: live [] -> declared [Recording Analyst]" in report
