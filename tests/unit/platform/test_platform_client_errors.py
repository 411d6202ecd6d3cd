"""Typed errors: what they say, and what they never say."""

from __future__ import annotations

import logging

import httpx
import pytest

from orgaccess.platform.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidResponse,
    LicenseContractRequired,
    NotFound,
    PlatformError,
    RateLimited,
    ServerError,
    Unauthorized,
)
from orgaccess.platform.models import GrantType, OAuthClientSpec
from tests.unit.platform.platform_fake import ACCOUNT, ORG, SECRET, TOKEN, Platform, fail, ok, raw, router

ROLES = ("GET", "/api/v2/security/roles")
ME = ("GET", "/api/v2/organizations/me")
NOT_AUTHORIZED = "You are not authorized to perform the requested action."


def test_forbidden_names_org_and_call() -> None:
    platform = Platform(api=router({ROLES: [fail(403, "forbidden", NOT_AUTHORIZED)]}))
    with pytest.raises(Forbidden) as caught:
        platform.client().list_roles(ORG)
    assert str(caught.value).startswith(f"403 Forbidden in org '{ORG}' on GET /api/v2/security/roles: {NOT_AUTHORIZED}")
    error = caught.value
    assert (error.status, error.code, error.org, error.method, error.context_id) == (
        403,
        "forbidden",
        ORG,
        "GET",
        "ctx-1",
    )


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "bad.request", BadRequest),
        (403, "forbidden", Forbidden),
        (404, "not.found", NotFound),
        (409, "conflict", Conflict),
        (409, "license.contract.required", LicenseContractRequired),
        (429, "too.many.requests.retry.after", RateLimited),
        (500, "internal", ServerError),
        (418, "teapot", PlatformError),
    ],
)
def test_status_and_code_map_to_typed_errors(status: int, code: str, expected: type[PlatformError]) -> None:
    platform = Platform(api=router({ME: [fail(status, code)]}))
    with pytest.raises(PlatformError) as caught:
        platform.client(max_attempts=1).get_organization(ORG)
    assert type(caught.value) is expected


def test_license_contract_required_is_a_conflict() -> None:
    path = ("PUT", "/api/v2/license/features/analytics")
    platform = Platform(api=router({path: [fail(409, "license.contract.required", "contract-managed")]}))
    with pytest.raises(Conflict) as caught:
        platform.client().set_license_feature(ORG, "analytics", True)
    assert isinstance(caught.value, LicenseContractRequired)


def test_an_error_without_a_json_body_still_maps_its_status() -> None:
    platform = Platform(api=router({ME: [raw(b"<html>gateway</html>", 403)]}))
    with pytest.raises(Forbidden, match="HTTP 403 without an error body"):
        platform.client().get_organization(ORG)


def test_malformed_json_is_invalid_response() -> None:
    platform = Platform(api=router({ME: [raw(b'{"id": "org-partner-a", "na')]}))
    with pytest.raises(InvalidResponse, match=f"in org '{ORG}' on GET /api/v2/organizations/me") as caught:
        platform.client().get_organization(ORG)
    assert caught.value.__cause__ is None  # no pydantic traceback chained to it


def test_non_json_answer_is_invalid_response() -> None:
    platform = Platform(api=router({ME: [raw(b"<html>hello</html>")]}))
    with pytest.raises(InvalidResponse, match="malformed answer"):
        platform.client().get_organization(ORG)


def test_schema_breaking_answer_is_invalid_response_naming_the_field() -> None:
    platform = Platform(api=router({ME: [ok({"id": ORG})]}))
    with pytest.raises(InvalidResponse, match=r"name: Field required"):
        platform.client().get_organization(ORG)


def test_oversized_answer_is_invalid_response() -> None:
    platform = Platform(api=router({ME: [raw(b" " * 2048)]}))
    with pytest.raises(InvalidResponse, match="larger than 1024 bytes"):
        platform.client(max_body_bytes=1024).get_organization(ORG)


def test_oversized_answer_without_content_length_is_invalid_response() -> None:
    def chunks() -> httpx.SyncByteStream:
        return httpx.ByteStream(b"x" * 2048)

    platform = Platform(api=lambda request: httpx.Response(200, stream=chunks()))
    with pytest.raises(InvalidResponse, match="larger than 1024 bytes"):
        platform.client(max_body_bytes=1024).get_organization(ORG)


def secret_leaks(text: str) -> list[str]:
    return [s for s in (SECRET, TOKEN, "rotated-Zm9vYmFy") if s in text]


def test_errors_never_contain_secrets(caplog: pytest.LogCaptureFixture) -> None:
    echo = f"bad credentials {SECRET} for token {TOKEN}"
    rotate = ("POST", "/api/v2/oauth/clients/premium-app/secret")
    broken_rotation = {"secret": "rotated-Zm9vYmFy"}  # no "id": schema-breaking, secret inside
    platform = Platform(
        api=router({ME: [fail(403, "forbidden", echo)], rotate: [ok(broken_rotation)]}),
    )
    client = platform.client()
    caught: list[PlatformError] = []
    with caplog.at_level(logging.DEBUG):
        for call in (lambda: client.get_organization(ORG), lambda: client.rotate_secret(ORG, "premium-app")):
            with pytest.raises(PlatformError) as raised:
                call()
            caught.append(raised.value)
    for error in caught:
        assert secret_leaks(str(error)) == []
        assert secret_leaks(repr(error)) == []
    assert secret_leaks(caplog.text) == []


def test_wrong_secret_error_does_not_contain_the_secret() -> None:
    platform = Platform(token=ok({"error": "invalid_client", "error_description": f"bad {SECRET}"}, 401))
    with pytest.raises(Unauthorized) as caught:
        platform.client().get_organization(ORG)
    assert secret_leaks(str(caught.value)) + secret_leaks(repr(caught.value)) == []


def test_created_and_rotated_secrets_stay_out_of_logs(caplog: pytest.LogCaptureFixture) -> None:
    platform = Platform(
        api=router(
            {
                ("POST", "/api/v2/oauth/clients"): [ok({**ACCOUNT, "secret": "rotated-Zm9vYmFy"}, 201)],
                ("POST", "/api/v2/oauth/clients/premium-app/secret"): [
                    ok({"id": "premium-app", "secret": "rotated-Zm9vYmFy"})
                ],
            }
        )
    )
    client = platform.client()
    spec = OAuthClientSpec(name="Premium App", authorizedGrantType=GrantType.CLIENT_CREDENTIALS)
    with caplog.at_level(logging.DEBUG, logger="orgaccess.platform"):
        client.create_client(ORG, spec)
        client.rotate_secret(ORG, "premium-app")
    assert "POST /api/v2/oauth/clients" in caplog.text
    assert secret_leaks(caplog.text) == []


def test_each_call_is_logged_with_method_path_org_status_and_attempt(
    caplog: pytest.LogCaptureFixture,
) -> None:
    platform = Platform()
    with caplog.at_level(logging.DEBUG, logger="orgaccess.platform"):
        platform.client().get_organization(ORG)
    assert f"GET /api/v2/organizations/me org={ORG} attempt=1 status=200" in caplog.text


def test_client_repr_hides_the_secret() -> None:
    assert SECRET not in repr(Platform().client())


def test_context_manager_closes_the_pool() -> None:
    platform = Platform()
    with platform.client() as client:
        client.get_organization(ORG)
    with pytest.raises(RuntimeError):
        client.get_organization(ORG)
