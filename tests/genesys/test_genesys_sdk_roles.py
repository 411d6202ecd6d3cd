"""Roles on the genesys-cloud emulator, driven by the official SDK's AuthorizationApi."""

from __future__ import annotations

import httpx
import pytest
from PureCloudPlatformClientV2 import (
    ApiClient,
    AuthorizationApi,
    DomainOrganizationRoleCreate,
    DomainOrganizationRoleUpdate,
    DomainPermissionPolicy,
)
from PureCloudPlatformClientV2.rest import ApiException

from orgaccess.emulator.harness import EmulatorHandle
from tests.genesys.sdk_shape import assert_parsed, error_body


def policy(domain: str, entity: str, *actions: str) -> DomainPermissionPolicy:
    made = DomainPermissionPolicy()
    made.domain, made.entity_name, made.action_set = domain, entity, list(actions)
    return made


def new_role(api: AuthorizationApi, name: str, *policies: DomainPermissionPolicy) -> str:
    body = DomainOrganizationRoleCreate()
    body.name, body.description, body.permission_policies = name, "made by a test", list(policies)
    return str(api.post_authorization_roles(body).id)


def test_a_created_role_reads_back_with_its_permission_policies(admin_a: ApiClient) -> None:
    roles = AuthorizationApi(admin_a)
    role_id = new_role(roles, "Recording Analyst", policy("recording", "screenRecording", "view"))
    role = assert_parsed(admin_a, roles.get_authorization_role(role_id))
    assert role.name == "Recording Analyst"
    assert [(p.domain, p.entity_name, p.action_set) for p in role.permission_policies] == [
        ("recording", "screenRecording", ["view"])
    ]


def test_roles_page_with_page_uris(admin_a: ApiClient) -> None:
    roles = AuthorizationApi(admin_a)
    for n in range(3):
        new_role(roles, f"Role {n}")
    second = assert_parsed(admin_a, roles.get_authorization_roles(page_size=2, page_number=2))
    assert (second.total, second.page_count, second.page_number, len(second.entities)) == (5, 3, 2, 2)
    assert second.next_uri.endswith("pageSize=2&pageNumber=3")
    assert second.previous_uri.endswith("pageSize=2&pageNumber=1")


def test_page_uris_repeat_the_filter(admin_a: ApiClient) -> None:
    roles = AuthorizationApi(admin_a)
    new_role(roles, "Viewer", policy("recording", "screenRecording", "view"))
    first = assert_parsed(
        admin_a, roles.get_authorization_roles(page_size=1, permission=["recording:screenRecording:view"])
    )
    filtered = "/api/v2/authorization/roles?permission=recording%3AscreenRecording%3Aview"
    assert (first.total, first.next_uri) == (2, f"{filtered}&pageSize=1&pageNumber=2")


def test_roles_filter_by_name_permission_and_id(admin_a: ApiClient) -> None:
    roles = AuthorizationApi(admin_a)
    viewer = new_role(roles, "Viewer", policy("recording", "screenRecording", "view"))
    new_role(roles, "Other", policy("analytics", "conversationDetail", "view"))
    assert [r.id for r in roles.get_authorization_roles(name="Viewer").entities] == [viewer]
    by_permission = roles.get_authorization_roles(permission=["recording:screenRecording:view"]).entities
    assert sorted(r.name for r in by_permission) == ["Viewer", "admin"]
    either = ["recording:screenRecording:view", "analytics:conversationDetail:view"]
    assert sorted(r.name for r in roles.get_authorization_roles(permission=either).entities) == [
        "Other",
        "Viewer",
        "admin",
    ]
    assert [r.name for r in roles.get_authorization_roles(id=[viewer]).entities] == ["Viewer"]


def test_a_role_is_replaced_by_put(admin_a: ApiClient) -> None:
    roles = AuthorizationApi(admin_a)
    role_id = new_role(roles, "Analyst", policy("recording", "screenRecording", "view"))
    update = DomainOrganizationRoleUpdate()
    update.name, update.permission_policies = "Analyst", [policy("recording", "screenRecording", "view", "delete")]
    replaced = assert_parsed(admin_a, roles.put_authorization_role(role_id, update))
    assert replaced.permission_policies[0].action_set == ["delete", "view"]


def test_patch_clears_role_needs_update_as_the_sdk_documents_and_changes_nothing_else(admin_a: ApiClient) -> None:
    # The SDK: "Patch Organization Role for needsUpdate Field".
    roles = AuthorizationApi(admin_a)
    role_id = new_role(roles, "Analyst", policy("recording", "screenRecording", "view"))
    served = roles.get_authorization_role(role_id)
    served.role_needs_update = False
    patched = assert_parsed(admin_a, roles.patch_authorization_role(role_id, served))
    assert patched.role_needs_update is False
    assert patched.to_dict() == roles.get_authorization_role(role_id).to_dict()


def test_patch_of_any_other_field_is_400_naming_it_and_changes_nothing(admin_a: ApiClient) -> None:
    roles = AuthorizationApi(admin_a)
    role_id = new_role(roles, "Analyst", policy("recording", "screenRecording", "view"))
    served = roles.get_authorization_role(role_id)
    served.description = "patched"
    with pytest.raises(ApiException) as refused:
        roles.patch_authorization_role(role_id, served)
    assert refused.value.status == 400
    assert error_body(admin_a, refused.value.body).message.startswith(
        "body.description: PATCH changes only roleNeedsUpdate"
    )
    assert roles.get_authorization_role(role_id).description == "made by a test"


def test_a_put_of_the_body_a_get_answered_is_accepted(admin_a: ApiClient, emulator: EmulatorHandle) -> None:
    role_id = new_role(AuthorizationApi(admin_a), "Analyst", policy("recording", "screenRecording", "view"))
    headers = {"Authorization": f"Bearer {admin_a.access_token}"}
    url = f"{emulator.url}/api/v2/authorization/roles/{role_id}"
    served = httpx.get(url, headers=headers).json()
    answer = httpx.put(url, headers=headers, json=served)
    assert answer.status_code == 200, answer.text
    assert answer.json() == served


def test_a_deleted_role_is_404(admin_a: ApiClient) -> None:
    roles = AuthorizationApi(admin_a)
    role_id = new_role(roles, "Short-lived")
    roles.delete_authorization_role(role_id)
    with pytest.raises(ApiException) as missing:
        roles.get_authorization_role(role_id)
    assert missing.value.status == 404
    assert error_body(admin_a, missing.value.body).code == "not.found"


def test_a_second_role_of_the_same_name_is_409(admin_a: ApiClient) -> None:
    roles = AuthorizationApi(admin_a)
    new_role(roles, "Twin")
    with pytest.raises(ApiException) as conflict:
        new_role(roles, "Twin")
    assert conflict.value.status == 409
    assert error_body(admin_a, conflict.value.body).status == 409


def test_an_unknown_permission_is_400_naming_it(admin_a: ApiClient) -> None:
    with pytest.raises(ApiException) as refused:
        new_role(AuthorizationApi(admin_a), "Wizard", policy("magic", "wand", "wave"))
    assert refused.value.status == 400
    assert "magic:wand:wave" in error_body(admin_a, refused.value.body).message
