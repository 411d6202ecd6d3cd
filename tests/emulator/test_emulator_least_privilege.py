"""Least privilege: no write lets a caller reach permissions it does not hold itself.

Each path is tried by a delegate that holds a little (a custom role with `security:read` plus one
edit permission): the answer is 403 with the audit reason `grant.exceeds.own.permissions`, and the
platform's state, read back by the admin, is exactly what it was before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from orgaccess.emulator.harness import EmulatorHandle
from tests.emulator.emulator_api import CLIENTS, ROLES, Caller, caller_for, last_reason, role_id

HOME, PARTNER = "org-home", "org-partner"
EXCEEDS = "grant.exceeds.own.permissions"
ROLE_EDITOR = ("role-editor", "role-editor-secret")
ACCOUNT_EDITOR = ("account-editor", "account-editor-secret")
LOCKED_ADMIN = ("locked-admin", "locked-admin-secret")
LOCKED_EDITOR = ("locked-editor", "locked-editor-secret")
LOCKED_VIEWER = ("locked-viewer", "locked-viewer-secret")


def _client(ids: tuple[str, str], lock: str = "LINKED_ORGS") -> dict[str, Any]:
    return {"id": ids[0], "secret": ids[1], "name": ids[0], "scopes": [], "orgLock": lock}


SCENARIO = {
    "organizations": [
        {
            "id": HOME,
            "name": "Home",
            "linked": [PARTNER],
            "roles": [
                {"name": "Viewer", "permissions": ["recording:view"]},
                {"name": "Role editor", "permissions": ["security:read", "security:roles:edit"]},
                {"name": "Account editor", "permissions": ["security:read", "oauth:clients:edit"]},
            ],
            "clients": [
                {"id": "admin", "secret": "admin-secret", "name": "admin", "scopes": ["security:read"]},
                {"id": "app", "secret": "app-secret", "name": "App", "scopes": ["recording:view"]},
                _client(ROLE_EDITOR),
                _client(ACCOUNT_EDITOR),
                _client(LOCKED_ADMIN, lock="PRIMARY_ONLY"),
                _client(LOCKED_EDITOR, lock="PRIMARY_ONLY"),
                _client(LOCKED_VIEWER, lock="PRIMARY_ONLY"),
            ],
            "grants": [
                {"subject": "admin", "role": "admin"},
                {"subject": "app", "role": "Viewer"},
                {"subject": ROLE_EDITOR[0], "role": "Role editor"},
                {"subject": ACCOUNT_EDITOR[0], "role": "Account editor"},
                {"subject": LOCKED_ADMIN[0], "role": "admin"},
                {"subject": LOCKED_EDITOR[0], "role": "Account editor"},
                {"subject": LOCKED_VIEWER[0], "role": "Viewer"},
            ],
        },
        {
            "id": PARTNER,
            "name": "Partner",
            "linked": [HOME],
            "roles": [{"name": "Viewer", "permissions": ["recording:view"]}],
            "grants": [
                {"subject": "admin", "role": "admin"},
                {"subject": "app", "role": "Viewer"},
                {"subject": LOCKED_ADMIN[0], "role": "admin"},
                {"subject": LOCKED_EDITOR[0], "role": "Viewer"},
                {"subject": LOCKED_VIEWER[0], "role": "Viewer"},
            ],
        },
    ]
}


@pytest.fixture
def admin(emulator: EmulatorHandle) -> Caller:
    emulator.load_scenario(SCENARIO)
    return caller_for(emulator, "admin", "admin-secret")


@pytest.fixture
def role_editor(emulator: EmulatorHandle, admin: Caller) -> Caller:
    return caller_for(emulator, *ROLE_EDITOR)


@pytest.fixture
def account_editor(emulator: EmulatorHandle, admin: Caller) -> Caller:
    return caller_for(emulator, *ACCOUNT_EDITOR)


def platform_state(admin: Caller) -> dict[str, Any]:
    """Every role, account and grant of both orgs, as the admin reads them."""
    accounts = admin("GET", CLIENTS, org=HOME).json()["entities"]
    state: dict[str, Any] = {"accounts": accounts}
    for org in (HOME, PARTNER):
        state[f"{org} roles"] = admin("GET", ROLES, org=org).json()["entities"]
        for account in accounts:
            path = f"/api/v2/security/subjects/{account['id']}/roles"
            state[f"{org} grants of {account['id']}"] = admin("GET", path, org=org).json()["entities"]
    return state


def assert_refused_without_change(
    emulator: EmulatorHandle, admin: Caller, attempt: Callable[[], httpx.Response]
) -> None:
    before = platform_state(admin)
    answer = attempt()
    assert answer.status_code == 403, answer.text
    assert last_reason(emulator) == EXCEEDS
    assert platform_state(admin) == before


def editable(caller: Caller, path: str) -> dict[str, Any]:
    """The current body of a role or account, ready to PUT back."""
    body = caller("GET", path, org=HOME).json()
    return {key: value for key, value in body.items() if key not in ("id", "builtIn")}


# Roles


def test_role_editor_cannot_add_a_permission_it_lacks_to_its_own_role(
    emulator: EmulatorHandle, admin: Caller, role_editor: Caller
) -> None:
    # The review's escalation, first step: a role its holder widens with oauth:clients:edit.
    path = f"{ROLES}/{role_id(admin, 'Role editor', HOME)}"
    body = editable(role_editor, path)
    widened = {**body, "permissions": [*body["permissions"], "oauth:clients:edit"]}
    assert_refused_without_change(emulator, admin, lambda: role_editor("PUT", path, org=HOME, json=widened))


def test_role_editor_cannot_add_a_permission_it_lacks_to_a_role_another_account_holds(
    emulator: EmulatorHandle, admin: Caller, role_editor: Caller
) -> None:
    path = f"{ROLES}/{role_id(admin, 'Viewer', HOME)}"
    widened = {**editable(role_editor, path), "permissions": ["recording:view", "admin:screen_recordings"]}
    assert_refused_without_change(emulator, admin, lambda: role_editor("PUT", path, org=HOME, json=widened))


def test_role_editor_cannot_create_a_role_with_a_permission_it_lacks(
    emulator: EmulatorHandle, admin: Caller, role_editor: Caller
) -> None:
    spec = {"name": "Back door", "permissions": ["security:read", "oauth:clients:edit"]}
    assert_refused_without_change(emulator, admin, lambda: role_editor("POST", ROLES, org=HOME, json=spec))


def test_role_editor_cannot_grant_a_role_with_a_permission_it_lacks(
    emulator: EmulatorHandle, admin: Caller, role_editor: Caller
) -> None:
    path = f"/api/v2/security/subjects/{ROLE_EDITOR[0]}/roles/admin"
    assert_refused_without_change(emulator, admin, lambda: role_editor("PUT", path, org=HOME))


def test_role_editor_may_write_roles_within_what_it_holds(admin: Caller, role_editor: Caller) -> None:
    created = role_editor("POST", ROLES, org=HOME, json={"name": "Reader", "permissions": ["security:read"]})
    assert created.status_code == 201
    # Narrowing a role whose permissions it lacks is no escalation, nor is keeping them unchanged.
    path = f"{ROLES}/{role_id(admin, 'Viewer', HOME)}"
    renamed = {**editable(role_editor, path), "name": "Recording viewer"}
    assert role_editor("PUT", path, org=HOME, json=renamed).status_code == 200


# Service accounts


def test_account_editor_cannot_create_an_account_with_a_scope_it_lacks(
    emulator: EmulatorHandle, admin: Caller, account_editor: Caller
) -> None:
    spec = {"name": "Sidekick", "authorizedGrantType": "CLIENT_CREDENTIALS", "scopes": ["recording:view"]}
    assert_refused_without_change(emulator, admin, lambda: account_editor("POST", CLIENTS, org=HOME, json=spec))


def test_account_editor_cannot_add_a_scope_it_lacks_to_an_account(
    emulator: EmulatorHandle, admin: Caller, account_editor: Caller
) -> None:
    path = f"{CLIENTS}/{ACCOUNT_EDITOR[0]}"
    widened = {**editable(account_editor, path), "scopes": ["recording:view"]}
    assert_refused_without_change(emulator, admin, lambda: account_editor("PUT", path, org=HOME, json=widened))


def test_account_editor_cannot_rotate_the_secret_of_a_more_privileged_account(
    emulator: EmulatorHandle, admin: Caller, account_editor: Caller
) -> None:
    # The review's escalation, second step: the admin's new secret would be the editor's to use.
    attempt = lambda: account_editor("POST", f"{CLIENTS}/admin/secret", org=HOME)  # noqa: E731
    assert_refused_without_change(emulator, admin, attempt)
    assert emulator.token("admin", "admin-secret")


def test_account_locked_to_its_home_org_cannot_take_over_an_account_reaching_linked_orgs(
    emulator: EmulatorHandle, admin: Caller
) -> None:
    # It holds admin in both orgs, but its lock keeps it out of the partner; the admin's secret would not.
    locked = caller_for(emulator, *LOCKED_ADMIN)
    assert_refused_without_change(emulator, admin, lambda: locked("POST", f"{CLIENTS}/admin/secret", org=HOME))


# Org locks: a lock is what keeps an account's roles in linked orgs out of reach, so lifting it is
# a widening like any other, and an account kept home by its lock holds less than one that is not.


def unlocked(caller: Caller, client_id: str) -> dict[str, Any]:
    return {**editable(caller, f"{CLIENTS}/{client_id}"), "orgLock": "LINKED_ORGS"}


@pytest.mark.parametrize("ids", [LOCKED_ADMIN, LOCKED_EDITOR], ids=["admin", "account-editor"])
def test_account_locked_to_its_home_org_cannot_widen_its_own_lock(
    emulator: EmulatorHandle, admin: Caller, ids: tuple[str, str]
) -> None:
    locked = caller_for(emulator, *ids)
    body = unlocked(admin, ids[0])
    assert_refused_without_change(emulator, admin, lambda: locked("PUT", f"{CLIENTS}/{ids[0]}", org=HOME, json=body))


def test_account_locked_to_its_home_org_cannot_widen_another_accounts_lock(
    emulator: EmulatorHandle, admin: Caller
) -> None:
    locked = caller_for(emulator, *LOCKED_ADMIN)
    path, body = f"{CLIENTS}/{LOCKED_VIEWER[0]}", unlocked(admin, LOCKED_VIEWER[0])
    assert_refused_without_change(emulator, admin, lambda: locked("PUT", path, org=HOME, json=body))


def test_locked_account_still_cannot_rotate_the_admins_secret_after_trying_to_unlock_itself(
    emulator: EmulatorHandle, admin: Caller
) -> None:
    # The review's chain: unlock itself, then take over the org-wide admin.
    locked = caller_for(emulator, *LOCKED_ADMIN)
    locked("PUT", f"{CLIENTS}/{LOCKED_ADMIN[0]}", org=HOME, json=unlocked(admin, LOCKED_ADMIN[0]))
    assert_refused_without_change(emulator, admin, lambda: locked("POST", f"{CLIENTS}/admin/secret", org=HOME))
    assert emulator.token("admin", "admin-secret")


def test_account_editor_cannot_widen_the_lock_of_an_account_holding_what_it_lacks(
    emulator: EmulatorHandle, admin: Caller, account_editor: Caller
) -> None:
    # Unlocking the locked admin would hand it admin in the partner org, which the editor lacks.
    path, body = f"{CLIENTS}/{LOCKED_ADMIN[0]}", unlocked(admin, LOCKED_ADMIN[0])
    assert_refused_without_change(emulator, admin, lambda: account_editor("PUT", path, org=HOME, json=body))


def test_admin_may_widen_the_lock_of_an_account_it_covers(admin: Caller) -> None:
    answer = admin("PUT", f"{CLIENTS}/{LOCKED_VIEWER[0]}", org=HOME, json=unlocked(admin, LOCKED_VIEWER[0]))
    assert answer.status_code == 200, answer.text
    assert answer.json()["orgLock"] == "LINKED_ORGS"


def test_locked_account_may_narrow_and_keep_its_own_lock(emulator: EmulatorHandle, admin: Caller) -> None:
    locked = caller_for(emulator, *LOCKED_EDITOR)
    renamed = {**editable(admin, f"{CLIENTS}/{LOCKED_EDITOR[0]}"), "description": "kept home"}
    assert locked("PUT", f"{CLIENTS}/{LOCKED_EDITOR[0]}", org=HOME, json=renamed).status_code == 200


def test_account_editor_may_rotate_the_secret_of_an_account_it_covers(
    emulator: EmulatorHandle, admin: Caller, account_editor: Caller
) -> None:
    spec = {"name": "Helper", "authorizedGrantType": "CLIENT_CREDENTIALS", "scopes": ["security:read"]}
    helper = account_editor("POST", CLIENTS, org=HOME, json=spec)
    assert helper.status_code == 201
    rotated = account_editor("POST", f"{CLIENTS}/{helper.json()['id']}/secret", org=HOME)
    assert rotated.status_code == 200
    assert emulator.token(helper.json()["id"], rotated.json()["secret"])


def test_admin_may_rotate_the_secret_of_an_account_holding_less(emulator: EmulatorHandle, admin: Caller) -> None:
    rotated = admin("POST", f"{CLIENTS}/app/secret", org=HOME)
    assert rotated.status_code == 200
    assert emulator.token("app", rotated.json()["secret"])
