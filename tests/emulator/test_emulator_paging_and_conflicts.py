"""Paging boundaries, and 409 on a stale version or a duplicate name."""

from __future__ import annotations

import pytest

from orgaccess.emulator.harness import EmulatorHandle
from tests.emulator.emulator_api import CLIENTS, ROLES, Caller, last_reason, role_id


def add_roles(admin: Caller, count: int) -> None:
    for n in range(count):
        assert admin("POST", ROLES, json={"name": f"Role {n:03d}", "permissions": []}).status_code == 201


def test_default_page_size_is_25(admin: Caller) -> None:
    add_roles(admin, 30)  # plus admin, employee, Recording Analyst: 33
    body = admin("GET", ROLES).json()
    assert (len(body["entities"]), body["pageSize"], body["pageNumber"]) == (25, 25, 1)
    assert (body["total"], body["pageCount"]) == (33, 2)


def test_last_page_holds_the_remainder(admin: Caller) -> None:
    add_roles(admin, 7)  # 10 in all
    body = admin("GET", ROLES, params={"pageSize": 4, "pageNumber": 3}).json()
    assert (len(body["entities"]), body["total"], body["pageCount"]) == (2, 10, 3)


def test_page_past_the_end_is_empty_not_an_error(admin: Caller) -> None:
    body = admin("GET", ROLES, params={"pageSize": 100, "pageNumber": 2}).json()
    assert body["entities"] == []
    assert body["pageCount"] == 1


def test_pages_together_list_every_entity_once(admin: Caller) -> None:
    add_roles(admin, 9)
    pages = [admin("GET", ROLES, params={"pageSize": 5, "pageNumber": n}).json() for n in (1, 2, 3)]
    names = [role["name"] for page in pages for role in page["entities"]]
    assert len(names) == len(set(names)) == pages[0]["total"] == 12


@pytest.mark.parametrize("size", [1, 100])
def test_page_size_bounds_are_accepted(admin: Caller, size: int) -> None:
    assert admin("GET", ROLES, params={"pageSize": size}).json()["pageSize"] == size


@pytest.mark.parametrize(("param", "value"), [("pageSize", 0), ("pageSize", 101), ("pageNumber", 0)])
def test_paging_out_of_bounds_is_400_naming_the_parameter(admin: Caller, param: str, value: int) -> None:
    answer = admin("GET", ROLES, params={param: value})
    assert answer.status_code == 400
    assert answer.json()["message"].startswith(f"query.{param}:")


def test_stale_role_version_is_409(emulator: EmulatorHandle, admin: Caller) -> None:
    rid = role_id(admin, "Recording Analyst")
    update = {"name": "Recording Analyst", "permissions": ["recording:view"], "version": 1}
    assert admin("PUT", f"{ROLES}/{rid}", json=update).status_code == 200
    stale = admin("PUT", f"{ROLES}/{rid}", json=update)
    assert (stale.status_code, stale.json()["code"]) == (409, "conflict")
    assert last_reason(emulator) == "version.stale"


def test_stale_service_account_version_is_409(emulator: EmulatorHandle, admin: Caller) -> None:
    current = admin("GET", f"{CLIENTS}/premium-app").json()
    del current["id"]
    assert admin("PUT", f"{CLIENTS}/premium-app", json=current).status_code == 200
    assert admin("PUT", f"{CLIENTS}/premium-app", json=current).status_code == 409
    assert last_reason(emulator) == "version.stale"


def test_duplicate_role_name_is_409(emulator: EmulatorHandle, admin: Caller) -> None:
    answer = admin("POST", ROLES, json={"name": "Recording Analyst", "permissions": []})
    assert (answer.status_code, answer.json()["code"]) == (409, "conflict")
    assert last_reason(emulator) == "name.duplicate"


def test_role_named_like_a_builtin_is_409(admin: Caller) -> None:
    assert admin("POST", ROLES, json={"name": "admin", "permissions": []}).status_code == 409


def test_renaming_a_role_onto_another_is_409(admin: Caller) -> None:
    created = admin("POST", ROLES, json={"name": "Other", "permissions": []}).json()
    update = {"name": "Recording Analyst", "permissions": [], "version": created["version"]}
    assert admin("PUT", f"{ROLES}/{created['id']}", json=update).status_code == 409


def test_same_role_name_in_another_org_is_fine(admin: Caller) -> None:
    answer = admin("POST", ROLES, org="org-partner-a", json={"name": "Recording Analyst", "permissions": []})
    assert answer.status_code == 201


def test_duplicate_service_account_name_is_409(emulator: EmulatorHandle, admin: Caller) -> None:
    spec = {"name": "Premium App", "authorizedGrantType": "CLIENT_CREDENTIALS", "scopes": []}
    assert admin("POST", CLIENTS, json=spec).status_code == 409
    assert last_reason(emulator) == "name.duplicate"


def test_failed_write_changes_nothing(admin: Caller) -> None:
    rid = role_id(admin, "Recording Analyst")
    before = admin("GET", f"{ROLES}/{rid}").json()
    update = {"name": "admin", "permissions": ["analytics:read"], "version": 1}
    assert admin("PUT", f"{ROLES}/{rid}", json=update).status_code == 409
    assert admin("GET", f"{ROLES}/{rid}").json() == before


def test_a_put_of_the_role_a_get_answered_is_accepted(admin: Caller) -> None:
    created = admin("POST", ROLES, json={"name": "Round Trip", "permissions": ["recording:view"]}).json()
    served = admin("GET", f"{ROLES}/{created['id']}").json()
    answer = admin("PUT", f"{ROLES}/{created['id']}", json=served)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {**served, "version": served["version"] + 1}


def test_a_put_of_the_account_a_get_answered_is_accepted(admin: Caller) -> None:
    served = admin("GET", f"{CLIENTS}/premium-app").json()
    answer = admin("PUT", f"{CLIENTS}/premium-app", json=served)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {**served, "version": served["version"] + 1}
