"""Every endpoint the genesys-cloud emulator serves answers exactly the shape of the SDK's model.

One SDK call per endpoint of the emulator's own OpenAPI document, each answer checked both ways
(`sdk_shape`): no unknown field, every required field, the declared types, no null. The other
modules of this suite test what the endpoints do; this one proves that none is left unchecked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from PureCloudPlatformClientV2 import (
    ApiClient,
    AuthorizationApi,
    DomainOrganizationRoleCreate,
    DomainOrganizationRoleUpdate,
    LicenseApi,
    OAuthApi,
    OAuthClientRequest,
    OrganizationApi,
    RecordingApi,
    RoleDivisionGrants,
    RoleDivisionPair,
)

from orgaccess.emulator.harness import EmulatorHandle
from tests.genesys.sdk_shape import assert_parsed, model_docs_checked, required_fields

Call = Callable[[ApiClient], Any]


def _role_create(name: str) -> DomainOrganizationRoleCreate:
    body = DomainOrganizationRoleCreate()
    body.name = name
    return body


def _role_update(name: str) -> DomainOrganizationRoleUpdate:
    body = DomainOrganizationRoleUpdate()
    body.name = name
    return body


def _client(name: str) -> OAuthClientRequest:
    body = OAuthClientRequest()
    body.name, body.authorized_grant_type = name, "CLIENT-CREDENTIALS"
    return body


def _role(client: ApiClient, name: str = "employee") -> str:
    return str(AuthorizationApi(client).get_authorization_roles(name=name).entities[0].id)


def _new_role(client: ApiClient) -> str:
    return str(AuthorizationApi(client).post_authorization_roles(_role_create("Scratch")).id)


def _home(client: ApiClient) -> str:
    return str(AuthorizationApi(client).get_authorization_divisions_home().id)


def _grants(client: ApiClient) -> RoleDivisionGrants:
    pair = RoleDivisionPair()
    pair.role_id, pair.division_id = _role(client), _home(client)
    body = RoleDivisionGrants()
    body.grants = [pair]
    return body


def _patched(client: ApiClient) -> Any:
    roles = AuthorizationApi(client)
    role_id = _new_role(client)
    return roles.patch_authorization_role(role_id, roles.get_authorization_role(role_id))


SUBJECT = "premium-app-a"
CLIENT = "PC_OAUTH_CLIENT"
# (method, path as the emulator's OpenAPI names it) -> one SDK call of it, by orgaccess's admin in org-partner-a.
CALLS: dict[tuple[str, str], Call] = {
    ("GET", "/api/v2/organizations/me"): lambda c: OrganizationApi(c).get_organizations_me(),
    ("GET", "/api/v2/license/toggles/{featureName}"): lambda c: LicenseApi(c).get_license_toggle("analytics"),
    ("POST", "/api/v2/license/toggles/{featureName}"): lambda c: LicenseApi(c).post_license_toggle("analytics"),
    ("GET", "/api/v2/recordings/screensessions/details"): lambda c: RecordingApi(
        c
    ).get_recordings_screensessions_details(),
    ("GET", "/api/v2/oauth/clients"): lambda c: OAuthApi(c).get_oauth_clients(),
    ("POST", "/api/v2/oauth/clients"): lambda c: OAuthApi(c).post_oauth_clients(_client("Scratch")),
    ("GET", "/api/v2/oauth/clients/{clientId}"): lambda c: OAuthApi(c).get_oauth_client(SUBJECT),
    ("PUT", "/api/v2/oauth/clients/{clientId}"): lambda c: OAuthApi(c).put_oauth_client(
        SUBJECT, _client("Premium App")
    ),
    ("DELETE", "/api/v2/oauth/clients/{clientId}"): lambda c: OAuthApi(c).delete_oauth_client(SUBJECT),
    ("POST", "/api/v2/oauth/clients/{clientId}/secret"): lambda c: OAuthApi(c).post_oauth_client_secret(SUBJECT),
    ("GET", "/api/v2/authorization/roles"): lambda c: AuthorizationApi(c).get_authorization_roles(),
    ("POST", "/api/v2/authorization/roles"): lambda c: AuthorizationApi(c).post_authorization_roles(
        _role_create("Scratch")
    ),
    ("GET", "/api/v2/authorization/roles/{roleId}"): lambda c: AuthorizationApi(c).get_authorization_role(_role(c)),
    ("PUT", "/api/v2/authorization/roles/{roleId}"): lambda c: AuthorizationApi(c).put_authorization_role(
        _new_role(c), _role_update("Scratch 2")
    ),
    ("PATCH", "/api/v2/authorization/roles/{roleId}"): _patched,
    ("DELETE", "/api/v2/authorization/roles/{roleId}"): lambda c: AuthorizationApi(c).delete_authorization_role(
        _new_role(c)
    ),
    ("GET", "/api/v2/authorization/divisions"): lambda c: AuthorizationApi(c).get_authorization_divisions(),
    ("GET", "/api/v2/authorization/divisions/home"): lambda c: AuthorizationApi(c).get_authorization_divisions_home(),
    ("GET", "/api/v2/authorization/divisions/{divisionId}"): lambda c: AuthorizationApi(c).get_authorization_division(
        _home(c)
    ),
    ("GET", "/api/v2/authorization/subjects/{subjectId}"): lambda c: AuthorizationApi(c).get_authorization_subject(
        SUBJECT
    ),
    ("POST", "/api/v2/authorization/subjects/{subjectId}/bulkremove"): lambda c: AuthorizationApi(
        c
    ).post_authorization_subject_bulkremove(SUBJECT, _grants(c)),
    # One route serves both, as `{operation}`.
    ("POST", "/api/v2/authorization/subjects/{subjectId}/{operation}"): lambda c: (
        AuthorizationApi(c).post_authorization_subject_bulkadd(SUBJECT, _grants(c), subject_type=CLIENT),
        AuthorizationApi(c).post_authorization_subject_bulkreplace(SUBJECT, _grants(c), subject_type=CLIENT),
    )[-1],
    ("POST", "/api/v2/authorization/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}"): lambda c: (
        AuthorizationApi(c).post_authorization_subject_division_role(SUBJECT, _home(c), _role(c), subject_type=CLIENT)
    ),
    ("DELETE", "/api/v2/authorization/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}"): lambda c: (
        AuthorizationApi(c).post_authorization_subject_division_role(SUBJECT, _home(c), _role(c), subject_type=CLIENT),
        AuthorizationApi(c).delete_authorization_subject_division_role(SUBJECT, _home(c), _role(c)),
    )[-1],
}
# Not Genesys's API: the emulator's control plane, and the login service, whose answer is OAuth's
# (RFC 6749), not an SDK model (test_genesys_oauth_errors.py checks its errors).
NOT_SDK_MODELS = {"/oauth/token"}


def served(emulator: EmulatorHandle) -> set[tuple[str, str]]:
    spec = httpx.get(f"{emulator.url}/openapi.json").json()
    return {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        if not path.startswith("/_emulator/") and path not in NOT_SDK_MODELS
        for method in operations
    }


def test_every_endpoint_the_emulator_serves_has_its_sdk_call_here(emulator: EmulatorHandle) -> None:
    assert served(emulator) == set(CALLS)


@pytest.mark.parametrize("endpoint", sorted(CALLS), ids=" ".join)
def test_the_answer_is_exactly_the_sdk_models_shape(endpoint: tuple[str, str], admin_a: ApiClient) -> None:
    answer = CALLS[endpoint](admin_a)
    if answer is None:
        assert (admin_a.last_response.status, admin_a.last_response.data) == (204, "")
    else:
        assert_parsed(admin_a, answer)


@pytest.mark.parametrize("model", model_docs_checked())
def test_each_model_doc_read_is_the_installed_sdks(model: str) -> None:
    required_fields(model)
