"""An object that moves from a resource of its own into its org's (the genesys-cloud upgrade: a client
becoming a part of its `OrgAccess`) is one object to a reviewer, not one created and one removed."""

from __future__ import annotations

from typing import Any

from orgaccess.engine.result import Result, Step
from orgaccess.reconciler.kinds import org_access
from orgaccess.reports.review import preview_of, render

PREFIX = "pulumi-python:dynamic/orgaccess:"
ORG = "org-partner-a"
CLIENT: dict[str, Any] = {
    "homeOrg": ORG,
    "name": "Premium App",
    "grantType": "client_credentials",
    "scopes": [],
    "orgLock": "NONE",
    "description": "",
    "secretRotation": None,
}


def _upgrade(client: dict[str, Any]) -> Result:
    """The preview of an upgrade: the client's own resource deleted, its org's resource taking `client`."""
    account, holder = f"{PREFIX}ServiceAccount", f"{PREFIX}OrgAccess"
    own = Step(
        f"urn:pulumi:t::orgaccess::{account}::{ORG}/Premium App", account, "delete", (), {"__provider": "p", **CLIENT}
    )
    before = org_access.KIND.declared(ORG, {})
    after = {**org_access.KIND.declared(ORG, {"clients": [client]}), "drift": []}
    org = Step(f"urn:pulumi:t::orgaccess::{holder}::{ORG}", holder, "update", ("spec",), before, after)
    return Result("preview", 0, steps=(own, org))


def test_a_client_moved_as_declared_is_one_unchanged_object() -> None:
    steps = preview_of(_upgrade(CLIENT)).steps

    assert [(s.kind, s.op) for s in steps] == [("ServiceAccount", "same")]


def test_a_moved_client_adds_no_line_to_the_review() -> None:
    report = render(preview_of(_upgrade(CLIENT)))

    assert "Premium App" not in report
    assert "Resources: no changes." in report


def test_a_client_whose_declaration_changed_as_it_moved_shows_both_steps() -> None:
    steps = preview_of(_upgrade({**CLIENT, "scopes": ["analytics"]})).steps

    assert sorted((s.kind, s.op) for s in steps) == [("ServiceAccount", "create"), ("ServiceAccount", "delete")]
