"""On genesys-cloud, every failed token request answers as OAuth 2.0 says (RFC 6749 section 5.2).

Genesys Cloud's login service is an OAuth server, not the Platform API: its errors are
`{"error", "error_description"}`, 400 unless the client failed to authenticate (401, with
`WWW-Authenticate`). The seed dialect keeps its platform error body (tests/emulator/test_emulator_auth.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from PureCloudPlatformClientV2 import ApiClient, OAuthApi, OAuthClientRequest
from pydantic import SecretStr

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.errors import PlatformError
from orgaccess.platform.genesys.client import GenesysOrgClient

GRANT = {"grant_type": "client_credentials"}
APP = ("premium-app-a", "s3cret-app-a")


def token_call(emulator: EmulatorHandle, **kwargs: Any) -> httpx.Response:
    return httpx.post(f"{emulator.url}/oauth/token", timeout=10, **kwargs)


def code_grant_client(admin_a: ApiClient) -> tuple[str, str]:
    body = OAuthClientRequest()
    body.name, body.authorized_grant_type = "Web Login", "CODE"
    body.registered_redirect_uri = ["https://app.example.com/callback"]
    created = OAuthApi(admin_a).post_oauth_clients(body)
    return str(created.id), str(created.secret)


FAILURES: dict[str, tuple[Callable[[ApiClient], dict[str, Any]], int, str]] = {
    "a wrong secret": (lambda _: {"data": GRANT, "auth": ("premium-app-a", "not-it")}, 401, "invalid_client"),
    "an unknown client": (lambda _: {"data": GRANT, "auth": ("ghost", "boo")}, 401, "invalid_client"),
    "no credentials": (lambda _: {"data": GRANT}, 401, "invalid_client"),
    "a grant type other than client_credentials": (
        lambda _: {"data": {"grant_type": "password"}, "auth": APP},
        400,
        "unsupported_grant_type",
    ),
    "a client whose grant type is not client credentials": (
        lambda admin: {"data": GRANT, "auth": code_grant_client(admin)},
        400,
        "unauthorized_client",
    ),
    "no grant_type": (lambda _: {"data": {}, "auth": APP}, 400, "invalid_request"),
    "a scope beyond the clients": (
        lambda _: {"data": {**GRANT, "scope": "nothing:of:mine"}, "auth": APP},
        400,
        "invalid_scope",
    ),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_token_request_answers_in_the_oauth_error_form(
    failure: str, emulator: EmulatorHandle, admin_a: ApiClient
) -> None:
    request, status, error = FAILURES[failure]
    answer = token_call(emulator, **request(admin_a))
    assert answer.status_code == status
    body = answer.json()
    assert set(body) == {"error", "error_description"}
    assert body["error"] == error and body["error_description"]


def test_a_401_from_the_login_service_says_it_takes_http_basic(emulator: EmulatorHandle) -> None:
    answer = token_call(emulator, data=GRANT, auth=("premium-app-a", "not-it"))
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="oauth"'


def test_a_missing_field_is_named_in_the_description(emulator: EmulatorHandle) -> None:
    answer = token_call(emulator, data={}, auth=APP)
    assert "grant_type" in answer.json()["error_description"]


def test_the_client_reads_the_oauth_error_and_never_shows_the_secret(emulator: EmulatorHandle) -> None:
    with (
        GenesysOrgClient(emulator.url, "org-partner-a", "premium-app-a", SecretStr("wrong-s3cret-9")) as client,
        pytest.raises(PlatformError) as refused,
    ):
        client.get_organization("org-partner-a")
    assert (refused.value.status, refused.value.code) == (401, "invalid_client")
    assert "wrong-s3cret-9" not in str(refused.value)


def test_the_client_reports_the_error_description(emulator: EmulatorHandle, admin_a: ApiClient) -> None:
    client_id, secret = code_grant_client(admin_a)
    with (
        GenesysOrgClient(emulator.url, "org-partner-a", client_id, SecretStr(secret)) as client,
        pytest.raises(PlatformError) as refused,
    ):
        client.get_organization("org-partner-a")
    assert (refused.value.status, refused.value.code) == (400, "unauthorized_client")
    assert "Only grant_type=client_credentials is supported for this client." in str(refused.value)
