"""Management endpoints: organizations, service accounts, roles, grants, license features."""

from __future__ import annotations

import httpx

from orgaccess.emulator.harness import EmulatorHandle
from tests.emulator.emulator_api import CLIENTS, HOME, RECORDINGS, ROLES, Caller, caller_for, last_reason, role_id

LICENSES = "/api/v2/license/features"


def grants_path(subject: str, role: str = "") -> str:
    return f"/api/v2/security/subjects/{subject}/roles" + (f"/{role}" if role else "")


# Organizations


def test_organization_me_names_the_target_org_and_its_links(admin: Caller) -> None:
    body = admin("GET", "/api/v2/organizations/me", org="org-partner-a").json()
    assert body == {
        "id": "org-partner-a",
        "name": "Partner A",
        "linkedOrganizations": [{"id": HOME, "name": "Primary"}],
    }


# Service accounts


def test_service_accounts_list_those_whose_home_is_the_target_org(admin: Caller) -> None:
    names = [c["name"] for c in admin("GET", CLIENTS).json()["entities"]]
    assert names == ["Premium App", "orgaccess admin"]
    assert admin("GET", CLIENTS, org="org-partner-a").json()["total"] == 0


def test_created_service_account_returns_its_secret_once(admin: Caller) -> None:
    spec = {"name": "Reporter", "authorizedGrantType": "CLIENT_CREDENTIALS", "scopes": ["recording:view"]}
    created = admin("POST", CLIENTS, json=spec)
    assert created.status_code == 201
    body = created.json()
    assert body["version"] == 1 and body["secret"]
    fetched = admin("GET", f"{CLIENTS}/{body['id']}").json()
    assert "secret" not in fetched
    assert fetched["orgLock"] == "LINKED_ORGS"


def test_new_service_account_can_get_a_token_with_its_secret(emulator: EmulatorHandle, admin: Caller) -> None:
    spec = {"name": "Reporter", "authorizedGrantType": "CLIENT_CREDENTIALS", "scopes": ["recording:view"]}
    body = admin("POST", CLIENTS, json=spec).json()
    assert emulator.token(body["id"], body["secret"])


def unlock(admin: Caller) -> httpx.Response:
    current = admin("GET", f"{CLIENTS}/premium-app").json()
    del current["id"]
    return admin("PUT", f"{CLIENTS}/premium-app", json={**current, "orgLock": "LINKED_ORGS"})


def test_service_account_update_bumps_its_version(admin: Caller) -> None:
    answer = unlock(admin)
    assert answer.status_code == 200
    assert (answer.json()["orgLock"], answer.json()["version"]) == ("LINKED_ORGS", 2)


def test_unlocking_the_service_account_lifts_c2(emulator: EmulatorHandle, admin: Caller) -> None:
    unlock(admin)
    app = caller_for(emulator, "premium-app", "s3cret-app")
    assert app("GET", RECORDINGS, org="org-partner-c").status_code == 403
    assert last_reason(emulator) == "C4.license.disabled"


def test_service_account_of_another_org_is_404(admin: Caller) -> None:
    assert admin("GET", f"{CLIENTS}/premium-app", org="org-partner-a").status_code == 404


def test_secret_rotation_replaces_the_old_secret(emulator: EmulatorHandle, admin: Caller) -> None:
    rotated = admin("POST", f"{CLIENTS}/premium-app/secret").json()
    assert emulator.token("premium-app", rotated["secret"])
    form = {"grant_type": "client_credentials"}
    old = admin("POST", "/oauth/token", data=form, auth=("premium-app", "s3cret-app"), headers={"Authorization": ""})
    assert old.status_code == 401


def test_deleted_service_account_is_gone_from_every_org(admin: Caller) -> None:
    assert admin("DELETE", f"{CLIENTS}/premium-app").status_code == 204
    assert admin("GET", f"{CLIENTS}/premium-app").status_code == 404
    assert admin("GET", grants_path("premium-app"), org="org-partner-b").status_code == 404


# Roles


def test_every_org_has_read_only_builtin_admin_and_employee(admin: Caller) -> None:
    roles = {r["name"]: r for r in admin("GET", ROLES, org="org-partner-a").json()["entities"]}
    assert roles["admin"]["builtIn"] and roles["employee"]["builtIn"]
    assert "recording:view" in roles["admin"]["permissions"]
    assert roles["employee"]["permissions"] == []


def test_roles_filter_by_exact_name(admin: Caller) -> None:
    body = admin("GET", ROLES, org="org-partner-b", params={"name": "Recording Analyst"}).json()
    assert [r["permissions"] for r in body["entities"]] == [["analytics:read"]]
    assert admin("GET", ROLES, params={"name": "recording analyst"}).json()["total"] == 0


def test_created_role_is_custom_at_version_1(admin: Caller) -> None:
    answer = admin("POST", ROLES, json={"name": "Deleter", "permissions": ["admin:screen_recordings"]})
    assert answer.status_code == 201
    body = answer.json()
    assert (body["builtIn"], body["version"]) == (False, 1)
    assert admin("GET", f"{ROLES}/{body['id']}").json() == body


def test_role_update_changes_permissions_and_bumps_version(admin: Caller) -> None:
    rid = role_id(admin, "Recording Analyst", org="org-partner-b")
    update = {"name": "Recording Analyst", "permissions": ["recording:view"], "version": 1}
    body = admin("PUT", f"{ROLES}/{rid}", org="org-partner-b", json=update).json()
    assert (body["permissions"], body["version"]) == (["recording:view"], 2)


def test_builtin_roles_cannot_be_changed_or_deleted(emulator: EmulatorHandle, admin: Caller) -> None:
    update = {"name": "admin", "permissions": [], "version": 1}
    assert admin("PUT", f"{ROLES}/admin", json=update).status_code == 403
    assert last_reason(emulator) == "role.builtin.readonly"
    assert admin("DELETE", f"{ROLES}/employee").status_code == 403


def test_deleting_a_role_removes_its_grants(admin: Caller) -> None:
    rid = role_id(admin, "Recording Analyst", org="org-partner-b")
    assert admin("DELETE", f"{ROLES}/{rid}", org="org-partner-b").status_code == 204
    assert admin("GET", grants_path("premium-app"), org="org-partner-b").json()["entities"] == []


def test_unknown_role_is_404(admin: Caller) -> None:
    assert admin("GET", f"{ROLES}/no-such-role").status_code == 404


# Grants


def test_granting_a_role_lifts_c3(emulator: EmulatorHandle, admin: Caller, app: Caller) -> None:
    role = admin("POST", ROLES, org="org-partner-a", json={"name": "Viewer", "permissions": ["recording:view"]})
    assert admin("PUT", grants_path("premium-app", role.json()["id"]), org="org-partner-a").status_code == 204
    granted = admin("GET", grants_path("premium-app"), org="org-partner-a").json()["entities"]
    assert [r["name"] for r in granted] == ["Viewer"]
    app("GET", RECORDINGS, org="org-partner-a")
    assert last_reason(emulator) == "C2.org.locked"  # C3 is gone


def test_granting_twice_is_idempotent(admin: Caller) -> None:
    rid = role_id(admin, "Recording Analyst")
    assert admin("PUT", grants_path("premium-app", rid)).status_code == 204
    assert admin("PUT", grants_path("premium-app", rid)).status_code == 204
    assert admin("GET", grants_path("premium-app")).json()["total"] == 1


def test_revoking_a_grant_that_does_not_exist_is_404(admin: Caller) -> None:
    assert admin("DELETE", grants_path("premium-app", "admin")).status_code == 404


def test_revoking_a_grant_removes_it(admin: Caller) -> None:
    rid = role_id(admin, "Recording Analyst")
    assert admin("DELETE", grants_path("premium-app", rid)).status_code == 204
    assert admin("GET", grants_path("premium-app")).json()["total"] == 0


def test_grant_to_an_unknown_subject_is_404(admin: Caller) -> None:
    assert admin("PUT", grants_path("no-such-account", "employee")).status_code == 404


def test_granting_a_role_with_permissions_the_caller_lacks_is_forbidden(
    emulator: EmulatorHandle, admin: Caller
) -> None:
    # A delegate that may edit roles but holds nothing else cannot hand out recording:view.
    admin("POST", ROLES, json={"name": "Role editor", "permissions": ["security:roles:edit"]})
    spec = {"name": "Delegate", "authorizedGrantType": "CLIENT_CREDENTIALS", "scopes": []}
    delegate = admin("POST", CLIENTS, json=spec).json()
    admin("PUT", grants_path(delegate["id"], role_id(admin, "Role editor")))
    as_delegate = caller_for(emulator, delegate["id"], delegate["secret"])
    answer = as_delegate("PUT", grants_path("premium-app", role_id(admin, "Recording Analyst")))
    assert answer.status_code == 403
    assert last_reason(emulator) == "grant.exceeds.own.permissions"


# License features


def test_license_features_list_all_known_features(admin: Caller) -> None:
    entities = admin("GET", LICENSES, org="org-partner-d").json()["entities"]
    assert {f["name"] for f in entities} == {"analytics", "screen_recording", "speech_analytics"}
    assert {"name": "analytics", "enabled": False, "selfService": False} in entities


def test_self_service_feature_can_be_switched_on(admin: Caller) -> None:
    answer = admin("PUT", f"{LICENSES}/analytics", org="org-partner-c", json={"enabled": True})
    assert answer.json() == {"name": "analytics", "enabled": True, "selfService": True}


def test_contract_managed_feature_is_409_license_contract_required(emulator: EmulatorHandle, admin: Caller) -> None:
    answer = admin("PUT", f"{LICENSES}/analytics", org="org-partner-d", json={"enabled": True})
    assert (answer.status_code, answer.json()["code"]) == (409, "license.contract.required")
    assert last_reason(emulator) == "license.contract.required"
    assert admin("GET", LICENSES, org="org-partner-d").json()["entities"][0]["enabled"] is False


def test_unknown_license_feature_is_404(admin: Caller) -> None:
    assert admin("PUT", f"{LICENSES}/teleport", json={"enabled": True}).status_code == 404


# Management permissions


def test_management_read_without_security_read_is_forbidden(emulator: EmulatorHandle, app: Caller) -> None:
    assert app("GET", ROLES).status_code == 403
    assert last_reason(emulator) == "permission.missing:security:read"


def test_management_in_a_locked_out_org_is_forbidden_as_c2(emulator: EmulatorHandle, app: Caller) -> None:
    assert app("GET", "/api/v2/organizations/me", org="org-partner-a").status_code == 403
    assert last_reason(emulator) == "C2.org.locked"


# Data plane deletion


def test_deleting_a_recording_needs_admin_screen_recordings(
    emulator: EmulatorHandle, admin: Caller, app: Caller
) -> None:
    recording = app("GET", RECORDINGS).json()["entities"][0]["id"]
    assert app("DELETE", f"{RECORDINGS}/{recording}").status_code == 403
    assert last_reason(emulator) == "permission.missing:admin:screen_recordings"
    assert admin("DELETE", f"{RECORDINGS}/{recording}").status_code == 204
    assert admin("DELETE", f"{RECORDINGS}/{recording}").status_code == 404
