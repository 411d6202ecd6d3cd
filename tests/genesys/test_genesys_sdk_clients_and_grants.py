"""OAuth clients and their grants on the genesys-cloud emulator, driven by the official SDK."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PureCloudPlatformClientV2 import (
    ApiClient,
    AuthorizationApi,
    DomainOrganizationRoleCreate,
    DomainPermissionPolicy,
    OAuthApi,
    OAuthClientRequest,
    OrganizationApi,
    RecordingApi,
    RoleDivision,
    RoleDivisionGrants,
    RoleDivisionPair,
)
from PureCloudPlatformClientV2.rest import ApiException

from tests.genesys.sdk_shape import assert_parsed, error_body

CLIENT = "PC_OAUTH_CLIENT"


def role_id(api: AuthorizationApi, name: str) -> str:
    return str(api.get_authorization_roles(name=name).entities[0].id)


def pair(role: str, division: str) -> RoleDivisionPair:
    made = RoleDivisionPair()
    made.role_id, made.division_id = role, division
    return made


def grants_body(*pairs: RoleDivisionPair) -> RoleDivisionGrants:
    body = RoleDivisionGrants()
    body.grants = list(pairs)
    return body


def client_request(name: str, *role_divisions: RoleDivision) -> OAuthClientRequest:
    body = OAuthClientRequest()
    body.name, body.authorized_grant_type, body.role_divisions = name, "CLIENT-CREDENTIALS", list(role_divisions)
    return body


def test_a_created_client_answers_its_secret_once_and_logs_in_with_it(
    admin_a: ApiClient, login: Callable[[str, str], ApiClient]
) -> None:
    oauth = OAuthApi(admin_a)
    created = assert_parsed(admin_a, oauth.post_oauth_clients(client_request("Reporting")))
    assert created.secret and created.authorized_grant_type == "CLIENT-CREDENTIALS"
    assert assert_parsed(admin_a, oauth.get_oauth_client(created.id)).secret is None
    assert OrganizationApi(login(created.id, created.secret)).get_organizations_me().id == "org-partner-a"


def test_clients_list_only_the_orgs_own(admin_a: ApiClient) -> None:
    listing = assert_parsed(admin_a, OAuthApi(admin_a).get_oauth_clients())
    assert sorted(c.id for c in listing.entities) == ["orgaccess-admin-a", "premium-app-a"]


def test_a_clients_role_divisions_are_its_grants(admin_a: ApiClient) -> None:
    authorization = AuthorizationApi(admin_a)
    division = authorization.get_authorization_divisions_home().id
    admin = RoleDivision()
    admin.role_id, admin.division_id = "admin", division
    created = OAuthApi(admin_a).post_oauth_clients(client_request("Reporting", admin))
    grants = assert_parsed(admin_a, authorization.get_authorization_subject(created.id)).grants
    assert [(g.role.name, g.division.id) for g in grants] == [("admin", division)]
    assert ("recording", "screenRecording", ["delete", "view"]) in [
        (p.domain, p.entity_name, p.actions) for p in grants[0].role.policies
    ]


def test_the_clients_listing_names_each_clients_grants_as_its_subject_has_them(admin_a: ApiClient) -> None:
    # orgaccess reads an account's grants from this listing (kinds/grants.py), not from its subject.
    authorization = AuthorizationApi(admin_a)
    for client in assert_parsed(admin_a, OAuthApi(admin_a).get_oauth_clients()).entities:
        subject = assert_parsed(admin_a, authorization.get_authorization_subject(client.id))
        listed = sorted((r.role_id, r.division_id) for r in client.role_divisions or [])
        assert listed == sorted((g.role.id, g.division.id) for g in subject.grants or [])


def test_a_client_is_replaced_by_put(admin_a: ApiClient) -> None:
    oauth = OAuthApi(admin_a)
    body = client_request("Premium App")
    body.description = "Reads screen recordings"
    replaced = assert_parsed(admin_a, oauth.put_oauth_client("premium-app-a", body))
    assert (replaced.name, replaced.description) == ("Premium App", "Reads screen recordings")


def test_a_new_secret_replaces_the_old_one(admin_a: ApiClient, login: Callable[[str, str], ApiClient]) -> None:
    rotated = assert_parsed(admin_a, OAuthApi(admin_a).post_oauth_client_secret("premium-app-a"))
    assert rotated.secret and rotated.secret != "s3cret-app-a"
    login("premium-app-a", rotated.secret)
    with pytest.raises(ApiException):
        login("premium-app-a", "s3cret-app-a")


def test_a_deleted_client_is_404_and_its_token_stops_working(
    admin_a: ApiClient, login: Callable[[str, str], ApiClient]
) -> None:
    app = login("premium-app-a", "s3cret-app-a")
    oauth = OAuthApi(admin_a)
    oauth.delete_oauth_client("premium-app-a")
    with pytest.raises(ApiException) as missing:
        oauth.get_oauth_client("premium-app-a")
    assert (missing.value.status, error_body(admin_a, missing.value.body).code) == (404, "not.found")
    with pytest.raises(ApiException) as revoked:
        OrganizationApi(app).get_organizations_me()
    assert revoked.value.status == 401


def test_a_second_client_of_the_same_name_is_409(admin_a: ApiClient) -> None:
    with pytest.raises(ApiException) as conflict:
        OAuthApi(admin_a).post_oauth_clients(client_request("Premium App"))
    assert conflict.value.status == 409


def test_bulkreplace_leaves_the_subject_exactly_the_given_grants(login: Callable[[str, str], ApiClient]) -> None:
    admin_b = login("orgaccess-admin-b", "s3cret-admin-b")
    authorization = AuthorizationApi(admin_b)
    division = authorization.get_authorization_divisions_home().id
    body = grants_body(pair("employee", division))
    authorization.post_authorization_subject_bulkreplace("premium-app-b", body, subject_type=CLIENT)
    grants = assert_parsed(admin_b, authorization.get_authorization_subject("premium-app-b")).grants
    assert [(g.role.id, g.division.home_division) for g in grants] == [("employee", True)]


def test_bulkreplace_with_a_role_that_carries_the_permission_fixes_the_apps_403(
    admin_a: ApiClient, login: Callable[[str, str], ApiClient]
) -> None:
    authorization = AuthorizationApi(admin_a)
    division = authorization.get_authorization_divisions_home().id
    body = grants_body(pair("admin", division))
    authorization.post_authorization_subject_bulkreplace("premium-app-a", body, subject_type=CLIENT)
    assert RecordingApi(login("premium-app-a", "s3cret-app-a")).get_recordings_screensessions_details().count == 3


def test_bulkadd_bulkremove_and_the_division_role_calls_change_one_grant_each(admin_a: ApiClient) -> None:
    authorization = AuthorizationApi(admin_a)
    division = authorization.get_authorization_divisions_home().id
    body = grants_body(pair("employee", division))

    def held() -> list[str]:
        return sorted(g.role.id for g in authorization.get_authorization_subject("premium-app-a").grants)

    authorization.post_authorization_subject_bulkadd("premium-app-a", body, subject_type=CLIENT)
    assert held() == ["employee"]
    authorization.post_authorization_subject_division_role("premium-app-a", division, "admin", subject_type=CLIENT)
    assert held() == ["admin", "employee"]
    authorization.post_authorization_subject_bulkremove("premium-app-a", body)
    assert held() == ["admin"]
    authorization.delete_authorization_subject_division_role("premium-app-a", division, "admin")
    assert held() == []


def test_a_grant_in_a_division_other_than_home_is_404(admin_a: ApiClient) -> None:
    body = grants_body(pair("employee", "some-other-division"))
    with pytest.raises(ApiException) as missing:
        AuthorizationApi(admin_a).post_authorization_subject_bulkreplace("premium-app-a", body, subject_type=CLIENT)
    assert missing.value.status == 404


def test_a_subject_of_another_org_is_404(admin_a: ApiClient) -> None:
    with pytest.raises(ApiException) as missing:
        AuthorizationApi(admin_a).get_authorization_subject("premium-app-b")
    assert missing.value.status == 404


def test_a_client_cannot_grant_a_role_with_permissions_it_lacks(
    admin_a: ApiClient, login: Callable[[str, str], ApiClient]
) -> None:
    authorization = AuthorizationApi(admin_a)
    division = authorization.get_authorization_divisions_home().id
    grant = DomainPermissionPolicy()
    grant.domain, grant.entity_name, grant.action_set = "authorization", "grant", ["add"]
    role = DomainOrganizationRoleCreate()
    role.name, role.permission_policies = "Granter", [grant]
    granter = RoleDivision()
    granter.role_id, granter.division_id = authorization.post_authorization_roles(role).id, division
    narrow = OAuthApi(admin_a).post_oauth_clients(client_request("Narrow", granter))
    body = grants_body(pair("admin", division))
    with pytest.raises(ApiException) as refused:
        AuthorizationApi(login(narrow.id, narrow.secret)).post_authorization_subject_bulkreplace(
            "premium-app-a", body, subject_type=CLIENT
        )
    assert refused.value.status == 403


def test_a_client_cannot_learn_the_secret_of_a_client_holding_more(
    admin_a: ApiClient, login: Callable[[str, str], ApiClient]
) -> None:
    with pytest.raises(ApiException) as refused:
        OAuthApi(client_editor(admin_a, login)).post_oauth_client_secret("orgaccess-admin-a")
    assert refused.value.status == 403


def client_editor(admin: ApiClient, login: Callable[[str, str], ApiClient]) -> ApiClient:
    """A client holding `oauth:client:edit` and `view`, and no grant permission."""
    authorization = AuthorizationApi(admin)
    editor = DomainPermissionPolicy()
    editor.domain, editor.entity_name, editor.action_set = "oauth", "client", ["edit", "view"]
    role = DomainOrganizationRoleCreate()
    role.name, role.permission_policies = "Client Editor", [editor]
    granted = RoleDivision()
    granted.role_id = authorization.post_authorization_roles(role).id
    granted.division_id = authorization.get_authorization_divisions_home().id
    narrow = OAuthApi(admin).post_oauth_clients(client_request("Narrow", granted))
    return login(narrow.id, narrow.secret)


def test_a_client_editor_cannot_remove_a_clients_roles_by_putting_it_without_them(
    admin_a: ApiClient, login: Callable[[str, str], ApiClient]
) -> None:
    # Changing a client's grants needs the grant permissions, whatever the endpoint.
    before = AuthorizationApi(admin_a).get_authorization_subject("orgaccess-admin-a").grants
    with pytest.raises(ApiException) as refused:
        OAuthApi(client_editor(admin_a, login)).put_oauth_client(
            "orgaccess-admin-a", client_request("orgaccess-admin-a")
        )
    assert refused.value.status == 403
    assert AuthorizationApi(admin_a).get_authorization_subject("orgaccess-admin-a").grants == before


def test_a_client_editor_may_edit_a_client_leaving_its_roles_as_they_are(
    admin_a: ApiClient, login: Callable[[str, str], ApiClient]
) -> None:
    current = OAuthApi(admin_a).get_oauth_client("premium-app-a")
    renamed = client_request("Premium App, renamed", *current.role_divisions)
    edited = OAuthApi(client_editor(admin_a, login)).put_oauth_client("premium-app-a", renamed)
    assert edited.name == "Premium App, renamed" and edited.role_divisions == current.role_divisions
