"""The target org is required on every call and always sent (cause C6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orgaccess.platform.client import PlatformClient, _Call
from orgaccess.platform.models import (
    ORG_HEADER,
    GrantType,
    OAuthClientSpec,
    OAuthClientUpdate,
    RoleSpec,
    RoleUpdate,
)
from tests.unit.platform.platform_fake import ORG, Platform

CLIENT_SPEC = OAuthClientSpec(name="Premium App", authorizedGrantType=GrantType.CLIENT_CREDENTIALS)
ROLE_SPEC = RoleSpec(name="Recording Analyst", permissions=["recording:view"])

EVERY_METHOD: dict[str, Callable[[PlatformClient, Any], object]] = {
    "get_organization": lambda c, org: c.get_organization(org),
    "list_clients": lambda c, org: c.list_clients(org),
    "get_client": lambda c, org: c.get_client(org, "premium-app"),
    "create_client": lambda c, org: c.create_client(org, CLIENT_SPEC),
    "update_client": lambda c, org: c.update_client(
        org, "premium-app", OAuthClientUpdate(**CLIENT_SPEC.model_dump(), version=1)
    ),
    "delete_client": lambda c, org: c.delete_client(org, "premium-app"),
    "rotate_secret": lambda c, org: c.rotate_secret(org, "premium-app"),
    "list_roles": lambda c, org: c.list_roles(org, name="Recording Analyst"),
    "get_role": lambda c, org: c.get_role(org, "role-1"),
    "create_role": lambda c, org: c.create_role(org, ROLE_SPEC),
    "update_role": lambda c, org: c.update_role(org, "role-1", RoleUpdate(**ROLE_SPEC.model_dump(), version=1)),
    "delete_role": lambda c, org: c.delete_role(org, "role-1"),
    "list_subject_roles": lambda c, org: c.list_subject_roles(org, "premium-app"),
    "list_subject_grants": lambda c, org: c.list_subject_grants(org, "premium-app"),
    "grant_role": lambda c, org: c.grant_role(org, "premium-app", "role-1"),
    "revoke_role": lambda c, org: c.revoke_role(org, "premium-app", "role-1"),
    "license_features": lambda c, org: c.license_features(org),
    "set_license_feature": lambda c, org: c.set_license_feature(org, "analytics", True),
    "list_screen_recordings": lambda c, org: c.list_screen_recordings(org),
}
# Answered without a call: the seed platform has no division but each org's home.
WITHOUT_A_CALL = {"list_divisions", "own_client_id"}
# The client's own upkeep, of no org: its connections, and the tokens it shares with another process.
NOT_THE_API = {"close", "handed_tokens", "take_tokens"}


@pytest.mark.parametrize("method", sorted(EVERY_METHOD))
def test_every_api_call_carries_the_org_header(method: str) -> None:
    platform = Platform()
    EVERY_METHOD[method](platform.client(), ORG)
    assert platform.api_requests
    assert all(r.headers.get(ORG_HEADER) == ORG for r in platform.api_requests)


def test_every_public_api_method_is_covered_by_the_org_header_test() -> None:
    public = {
        name
        for name in vars(PlatformClient)
        if not name.startswith("_") and callable(getattr(PlatformClient, name)) and name not in NOT_THE_API
    }
    assert public == set(EVERY_METHOD) | WITHOUT_A_CALL


@pytest.mark.parametrize("org", [None, "", "   "])
@pytest.mark.parametrize("method", sorted(EVERY_METHOD))
def test_a_missing_org_is_refused_before_anything_is_sent(method: str, org: Any) -> None:
    platform = Platform()
    with pytest.raises(ValueError, match="target org is required"):
        EVERY_METHOD[method](platform.client(), org)
    assert platform.requests == []


def test_ids_cannot_escape_their_path_segment() -> None:
    platform = Platform()
    platform.client().get_role(ORG, "../x?y")
    assert platform.api_requests[0].url.raw_path == b"/api/v2/security/roles/..%2Fx%3Fy"


def test_only_the_token_endpoint_may_be_called_without_an_org() -> None:
    with pytest.raises(ValueError, match="needs a target org"):
        _Call("GET", "/api/v2/organizations/me", None, bytes)
