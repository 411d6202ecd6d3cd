"""Bad input is a 400 that names the field, an unknown route a 404; never a 500."""

from __future__ import annotations

import httpx
import pytest

from orgaccess.emulator.harness import EmulatorHandle
from tests.emulator.emulator_api import CLIENTS, ROLES, Caller, without_context


def test_unknown_permission_in_a_role_is_400_naming_it(admin: Caller) -> None:
    answer = admin("POST", ROLES, json={"name": "X", "permissions": ["recording:view", "x"]})
    assert answer.status_code == 400
    assert without_context(answer.json()) == {
        "status": 400,
        "code": "bad.request",
        "message": "body.permissions[1]: unknown permission 'x'",
    }


def test_unknown_scope_in_a_service_account_is_400_naming_it(admin: Caller) -> None:
    spec = {"name": "X", "authorizedGrantType": "CLIENT_CREDENTIALS", "scopes": ["everything"]}
    assert admin("POST", CLIENTS, json=spec).json()["message"] == "body.scopes[0]: unknown scope 'everything'"


def test_malformed_json_is_400(admin: Caller) -> None:
    answer = admin("POST", ROLES, content=b'{"name": ', headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("body: malformed JSON")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"permissions": []}, "body.name"),
        ({"name": "", "permissions": []}, "body.name"),
        ({"name": "X", "permissions": "recording:view"}, "body.permissions"),
        ({"name": "X", "permissions": [], "colour": "red"}, "body.colour"),
        ([1, 2], "body"),
    ],
)
def test_body_that_breaks_the_schema_is_400_naming_the_field(admin: Caller, body: object, field: str) -> None:
    answer = admin("POST", ROLES, json=body)
    assert answer.status_code == 400
    assert answer.json()["message"].startswith(f"{field}:")


def test_wrong_enum_value_is_400_naming_the_field(admin: Caller) -> None:
    spec = {"name": "X", "authorizedGrantType": "MAGIC"}
    assert admin("POST", CLIENTS, json=spec).json()["message"].startswith("body.authorizedGrantType:")


def test_missing_version_on_update_is_400(admin: Caller) -> None:
    answer = admin("PUT", f"{ROLES}/admin", json={"name": "admin", "permissions": []})
    assert answer.json()["message"].startswith("body.version:")


def test_unknown_route_is_404_in_the_platform_shape(emulator: EmulatorHandle) -> None:
    answer = httpx.get(f"{emulator.url}/api/v2/nothing/here")
    assert answer.status_code == 404
    assert without_context(answer.json())["code"] == "not.found"


def test_wrong_method_is_405_in_the_platform_shape(emulator: EmulatorHandle) -> None:
    answer = httpx.patch(f"{emulator.url}/api/v2/organizations/me")
    assert (answer.status_code, answer.json()["code"]) == (405, "method.not.allowed")


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe", b'{"name": "\\ud800", "permissions": []}', b"[" * 5000, b"null", b'{"name": 1e999}'],
)
def test_hostile_bodies_never_cause_a_500(admin: Caller, content: bytes) -> None:
    answer = admin("POST", ROLES, content=content, headers={"Content-Type": "application/json"})
    assert 400 <= answer.status_code < 500
    assert answer.json()["status"] == answer.status_code


def test_hostile_org_header_is_403_not_500(admin: Caller) -> None:
    assert admin("GET", ROLES, org="' OR 1=1 --").status_code == 403
