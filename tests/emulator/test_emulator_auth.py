"""POST /oauth/token and bearer tokens: who may get one, and every way a token is refused."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from orgaccess.emulator.api import Api
from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from tests.emulator.emulator_api import CLIENTS, HOME, Caller, last_reason, without_context

ME = "/api/v2/organizations/me"
SCENARIOS = {Api.SEED: "seed-403", Api.GENESYS_CLOUD: "genesys-403"}


def token_call(emulator: EmulatorHandle, **kwargs: Any) -> httpx.Response:
    return httpx.post(f"{emulator.url}/oauth/token", timeout=10, **kwargs)


def test_form_credentials_get_a_bearer_token_with_all_allowed_scopes(emulator: EmulatorHandle) -> None:
    form = {"grant_type": "client_credentials", "client_id": "premium-app", "client_secret": "s3cret-app"}
    body = token_call(emulator, data=form).json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86400
    assert body["scope"] == "recording:view"
    assert body["access_token"]


def test_http_basic_credentials_get_a_token(emulator: EmulatorHandle) -> None:
    answer = token_call(emulator, data={"grant_type": "client_credentials"}, auth=("premium-app", "s3cret-app"))
    assert answer.status_code == 200


def test_requested_scope_narrows_the_token(emulator: EmulatorHandle) -> None:
    form = {"grant_type": "client_credentials", "scope": "security:read"}
    body = token_call(emulator, data=form, auth=("orgaccess-admin", "s3cret-admin")).json()
    assert body["scope"] == "security:read"


def test_scope_beyond_the_allowed_ones_is_400(emulator: EmulatorHandle) -> None:
    form = {"grant_type": "client_credentials", "scope": "recording:view security:read"}
    answer = token_call(emulator, data=form, auth=("premium-app", "s3cret-app"))
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_scope"


def test_wrong_secret_is_401_invalid_client(emulator: EmulatorHandle) -> None:
    answer = token_call(emulator, data={"grant_type": "client_credentials"}, auth=("premium-app", "nope"))
    assert answer.status_code == 401
    assert answer.json()["code"] == "invalid_client"
    assert last_reason(emulator) == "client.invalid"


def test_unknown_client_is_401_invalid_client(emulator: EmulatorHandle) -> None:
    answer = token_call(emulator, data={"grant_type": "client_credentials"}, auth=("ghost", "nope"))
    assert (answer.status_code, answer.json()["code"]) == (401, "invalid_client")


def test_other_grant_type_is_400_unsupported_grant_type(emulator: EmulatorHandle) -> None:
    answer = token_call(emulator, data={"grant_type": "password"}, auth=("premium-app", "s3cret-app"))
    assert (answer.status_code, answer.json()["code"]) == (400, "unsupported_grant_type")


def test_client_not_authorized_for_client_credentials_is_400_unsupported_grant_type(
    emulator: EmulatorHandle, admin: Caller
) -> None:
    spec = {"name": "Browser app", "authorizedGrantType": "CODE", "scopes": []}
    created = admin("POST", CLIENTS, json=spec).json()
    form = {"grant_type": "client_credentials"}
    answer = token_call(emulator, data=form, auth=(created["id"], created["secret"]))
    assert (answer.status_code, answer.json()["code"]) == (400, "unsupported_grant_type")


def test_missing_grant_type_is_400_naming_the_field(emulator: EmulatorHandle) -> None:
    answer = token_call(emulator, data={"client_id": "premium-app"})
    assert answer.status_code == 400
    assert "body.grant_type" in answer.json()["message"]


def test_call_without_token_is_401_token_missing(emulator: EmulatorHandle) -> None:
    answer = httpx.get(f"{emulator.url}{ME}")
    assert answer.status_code == 401
    assert without_context(answer.json())["code"] == "authentication.required"
    assert last_reason(emulator) == "token.missing"


@pytest.mark.parametrize("dialect", list(Api))
def test_every_platform_operation_refuses_a_call_without_a_token(dialect: Api) -> None:
    # A GET checks its caller in its own body, not through a declared dependency: one that forgot
    # would answer here rather than 401. A write's empty body must not be judged before its caller.
    with running_emulator(SCENARIOS[dialect], dialect=dialect) as handle:
        paths = httpx.get(f"{handle.url}/openapi.json").json()["paths"]
        answers = {
            f"{method.upper()} {path}": httpx.request(
                method, handle.url + re.sub(r"\{\w+\}", "x", path), json={} if "requestBody" in operation else None
            ).status_code
            for path, operations in paths.items()
            if path.startswith("/api/")
            for method, operation in operations.items()
        }
    assert len(answers) >= 15
    assert {call: status for call, status in answers.items() if status != 401} == {}


def test_malformed_authorization_is_401_token_invalid(emulator: EmulatorHandle) -> None:
    answer = httpx.get(f"{emulator.url}{ME}", headers={"Authorization": "Token abc"})
    assert answer.status_code == 401
    assert last_reason(emulator) == "token.invalid"


def test_unknown_token_is_401_token_invalid(emulator: EmulatorHandle) -> None:
    assert Caller(emulator.url, "not-a-token")("GET", ME).status_code == 401
    assert last_reason(emulator) == "token.invalid"


def test_expired_token_is_401_token_expired(emulator: EmulatorHandle, app: Caller) -> None:
    emulator.set_clock_offset(86_401)
    assert app("GET", ME).status_code == 401
    assert last_reason(emulator) == "token.expired"


def test_token_of_a_deleted_client_is_401_token_revoked(emulator: EmulatorHandle, admin: Caller, app: Caller) -> None:
    assert admin("DELETE", f"{CLIENTS}/premium-app", org=HOME).status_code == 204
    assert app("GET", ME).status_code == 401
    assert last_reason(emulator) == "token.revoked"


def test_token_survives_secret_rotation(admin: Caller, app: Caller) -> None:
    assert admin("POST", f"{CLIENTS}/premium-app/secret").status_code == 200
    assert app("GET", ME).status_code == 200
