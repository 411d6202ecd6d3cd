"""The policy pack's rules on genesys-cloud declarations: the same rules, Genesys permission names."""

from __future__ import annotations

from typing import Any

import pytest

from orgaccess.deploy.policy_rules import ALLOWED_KEY, RULES
from orgaccess.dialects import GENESYS_CLOUD
from tests.policies import policy_helpers
from tests.policies.policy_helpers import genesys_fixed

VIEW = "recording:screenRecording:view"
DELETE = "recording:screenRecording:delete"


def messages(declarations: dict[str, Any], rule_name: str, config: dict[str, Any] | None = None) -> list[str]:
    return policy_helpers.messages(declarations, rule_name, config, GENESYS_CLOUD)


def with_role(permissions: list[str], justification: str | None = None) -> dict[str, Any]:
    """The Genesys fix, its app also bound in org-partner-a to a role 'Extra' with `permissions`."""
    decls = genesys_fixed()
    decls["roles"].append({"name": "Extra", "permissions": permissions})
    binding = decls["orgs"][1]["bindings"][0]
    binding["roles"].append("Extra")
    if justification:
        binding["justification"] = justification
    return decls


@pytest.mark.parametrize("rule", [r.name for r in RULES])
def test_the_declared_fix_of_genesys_403_passes(rule: str) -> None:
    assert messages(genesys_fixed(), rule) == []


def test_recording_view_needs_no_scope_on_genesys_cloud() -> None:
    decls = genesys_fixed()
    decls["serviceAccounts"][0]["scopes"] = []

    assert messages(decls, "recording-view-needs-scope-and-license") == []


def test_recording_view_without_analytics_is_refused_naming_the_genesys_permission() -> None:
    decls = genesys_fixed()
    decls["orgs"][2]["licenses"] = {"analytics": False}

    (message,) = messages(decls, "recording-view-needs-scope-and-license")

    assert f"holds {VIEW} in org 'org-partner-b'" in message and "cause C4" in message
    assert "add `licenses: {analytics: true}` to org 'org-partner-b'" in message


def test_a_permission_outside_the_allow_list_is_refused_in_genesys_names() -> None:
    (message,) = messages(with_role(["authorization:role:edit"]), "permission-allow-list")

    assert "role 'Extra' in org 'org-partner-a' carries 'authorization:role:edit'" in message
    assert f"allow-list ('analytics:conversationDetail:view', '{DELETE}', '{VIEW}')" in message


def test_the_allow_list_takes_genesys_names() -> None:
    config = {ALLOWED_KEY: [VIEW, "authorization:role:edit"]}

    assert messages(with_role(["authorization:role:edit"]), "permission-allow-list", config) == []


def test_a_seed_name_in_the_allow_list_allows_exactly_the_genesys_permissions_it_stands_for() -> None:
    config = {ALLOWED_KEY: ["recording:view", "security:roles:edit"]}

    (message,) = messages(with_role(["authorization:role:edit", "oauth:client:edit"]), "permission-allow-list", config)

    assert "carries 'oauth:client:edit', outside" in message


def test_screen_recording_delete_without_a_justification_is_reported() -> None:
    (message,) = messages(with_role([DELETE]), "screen-recording-admin-justified")

    assert "may delete screen recordings in org 'org-partner-a' through 'Extra'" in message


def test_screen_recording_delete_with_a_justification_passes() -> None:
    assert messages(with_role([DELETE], justification="legal hold"), "screen-recording-admin-justified") == []


def test_a_scope_no_bound_role_uses_is_reported_in_every_org_of_the_client() -> None:
    decls = genesys_fixed()
    decls["serviceAccounts"][0]["scopes"] = [DELETE]

    found = messages(decls, "scopes-used-by-roles")

    assert len(found) == 6  # one client per org that binds the app
    assert all(f"scope(s) '{DELETE}' that no role" in m for m in found)


def with_divisions(divisions: list[str] | None) -> dict[str, Any]:
    decls = genesys_fixed()
    for org in decls["orgs"]:
        for binding in org["bindings"]:
            binding.pop("divisions", None)
            if divisions is not None:
                binding["divisions"] = list(divisions)
    return decls


def test_all_divisions_required_names_each_binding_that_grants_in_fewer() -> None:
    found = messages(with_divisions(None), "all-divisions", {"allDivisions": "require"})
    assert len(found) == 6
    assert "grants in 'the home division'" in found[0] and "set `divisions: ['*']`" in found[0]
    assert messages(with_divisions(["*"]), "all-divisions", {"allDivisions": "require"}) == []


def test_all_divisions_forbidden_names_each_binding_that_grants_in_every_division() -> None:
    found = messages(with_divisions(["*"]), "all-divisions", {"allDivisions": "forbid"})
    assert len(found) == 6 and "which this stack forbids" in found[0]
    assert messages(with_divisions(["Queue East"]), "all-divisions", {"allDivisions": "forbid"}) == []


def test_all_divisions_allows_either_by_default() -> None:
    assert messages(with_divisions(["*"]), "all-divisions") == []
    assert messages(with_divisions(None), "all-divisions") == []
