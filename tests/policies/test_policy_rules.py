"""The rules of the policy pack, over declarations planned exactly as the program plans them."""

from __future__ import annotations

import pytest

from orgaccess.deploy.policy_rules import RULES
from tests.policies.policy_helpers import fixed, messages


@pytest.mark.parametrize("rule", [r.name for r in RULES])
def test_the_declared_fix_of_seed_403_passes(rule: str) -> None:
    assert messages(fixed(), rule) == []


def test_a_code_grant_type_is_refused_with_the_fix() -> None:
    decls = fixed()
    decls["serviceAccounts"][0]["grantType"] = "code"
    (message,) = messages(decls, "grant-type-client-credentials")
    assert "'Premium App' has grantType 'code'" in message
    assert "set `grantType: client_credentials`" in message


def test_primary_only_is_refused_for_an_account_bound_in_partner_orgs() -> None:
    decls = fixed()
    decls["serviceAccounts"][0]["orgLock"] = "PRIMARY_ONLY"
    (message,) = messages(decls, "no-primary-only-across-orgs")
    assert "'org-partner-a', 'org-partner-b', 'org-partner-c', 'org-partner-d'" in message
    assert "cause C2" in message and "set `orgLock: LINKED_ORGS`" in message


def test_primary_only_is_fine_for_an_account_bound_only_at_home() -> None:
    decls = fixed()
    decls["serviceAccounts"][0]["orgLock"] = "PRIMARY_ONLY"
    decls["orgs"] = decls["orgs"][:1]
    assert messages(decls, "no-primary-only-across-orgs") == []


def test_recording_view_without_the_scope_is_refused_in_each_org() -> None:
    decls = fixed()
    decls["serviceAccounts"][0]["scopes"] = ["admin:screen_recordings"]
    found = messages(decls, "recording-view-needs-scope-and-license")
    assert len(found) == 5
    assert all("cause C1" in m and "add recording:view to its `scopes`" in m for m in found)


@pytest.mark.parametrize("licenses", [{}, {"analytics": False}], ids=["absent", "off"])
def test_recording_view_without_analytics_declared_on_is_refused(licenses: dict[str, bool]) -> None:
    decls = fixed()
    decls["orgs"][2]["licenses"] = licenses
    (message,) = messages(decls, "recording-view-needs-scope-and-license")
    assert "org 'org-partner-b'" in message and "cause C4" in message
    assert "add `licenses: {analytics: true}` to org 'org-partner-b'" in message


def test_the_admin_role_is_refused_for_an_app() -> None:
    decls = fixed()
    decls["orgs"][1]["bindings"][0]["roles"] = ["admin"]
    (message,) = messages(decls, "no-admin-for-apps")
    assert "built-in role 'admin' in org 'org-partner-a'" in message


def test_a_permission_outside_the_default_allow_list_is_refused() -> None:
    decls = fixed()
    decls["roles"][0]["permissions"].append("security:roles:edit")
    found = messages(decls, "permission-allow-list")
    assert len(found) == 5  # the role exists in every org that binds it
    assert "carries 'security:roles:edit', outside the allow-list" in found[0]


def test_the_allow_list_comes_from_the_pack_config() -> None:
    decls = fixed()
    decls["roles"][0]["permissions"].append("security:roles:edit")
    config = {"allowedPermissions": ["recording:view", "admin:screen_recordings", "security:roles:edit"]}
    assert messages(decls, "permission-allow-list", config) == []


def test_screen_recording_admin_without_justification_is_reported() -> None:
    decls = fixed()
    del decls["orgs"][1]["bindings"][0]["justification"]
    (message,) = messages(decls, "screen-recording-admin-justified")
    assert "org 'org-partner-a' through 'Screen Recording Admin'" in message
    assert "add `justification: <why>`" in message


@pytest.mark.parametrize("marker", ["Zx9kQ2mV7pL4sT8wR1nB5cY3", "dGhpcy1pcy1hLXNlY3JldC0xMjM0NTY="])
def test_a_secret_rotation_that_looks_like_a_secret_is_refused(marker: str) -> None:
    decls = fixed()
    decls["serviceAccounts"][0]["secretRotation"] = marker
    (message,) = messages(decls, "secret-rotation-not-a-secret")
    assert "looks like a secret" in message


@pytest.mark.parametrize("marker", ["2025-01", "after-incident-42", "Rotated after the March 2025 audit"])
def test_a_rotation_label_is_fine(marker: str) -> None:
    decls = fixed()
    decls["serviceAccounts"][0]["secretRotation"] = marker
    assert messages(decls, "secret-rotation-not-a-secret") == []


def test_a_scope_no_bound_role_uses_is_reported() -> None:
    decls = fixed()
    decls["serviceAccounts"][0]["scopes"].append("analytics:read")
    (message,) = messages(decls, "scopes-used-by-roles")
    assert "scope(s) 'analytics:read' that no role bound to it uses" in message
