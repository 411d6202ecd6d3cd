"""The Genesys Cloud adapter: the platform client's interface, spoken to the genesys-cloud emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from orgaccess.declarations.access_yaml import RoleDecl
from orgaccess.demo.genesys import ORGS
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.errors import Forbidden, LicenseContractRequired
from orgaccess.platform.genesys.client import GenesysClient, UnknownOrg
from orgaccess.platform.models import (
    EVERY_DIVISION,
    GrantType,
    OAuthClientSpec,
    OAuthClientUpdate,
    RoleSpec,
    RoleUpdate,
)
from orgaccess.reconciler.kinds import license_feature, role, role_binding
from orgaccess.reconciler.snapshot import Fleet

VIEW = "recording:screenRecording:view"


@pytest.fixture
def client(emulator: EmulatorHandle) -> Iterator[GenesysClient]:
    credentials = {org: (f"orgaccess-admin-{n}", SecretStr(f"s3cret-admin-{n}")) for org, n in ORGS.items()}
    with GenesysClient(emulator.url, credentials, max_attempts=2) as made:
        yield made


def test_each_org_is_read_with_its_own_admin_client(client: GenesysClient) -> None:
    assert [client.get_organization(org).id for org in ORGS] == list(ORGS)
    assert client.own_client_id("org-partner-c") == "orgaccess-admin-c"


def test_an_org_without_credentials_is_named_with_the_ones_that_have_them(client: GenesysClient) -> None:
    with pytest.raises(UnknownOrg, match=r"org-partner-z.*org-partner-a"):
        client.list_roles("org-partner-z")


def test_roles_read_their_permission_policies_as_flat_permissions(client: GenesysClient) -> None:
    analyst = next(r for r in client.list_roles("org-partner-b") if r.name == "Recording Analyst")
    assert analyst.permissions == ["analytics:conversationDetail:view"]
    assert [r.name for r in client.list_roles("org-partner-b", name="admin")] == ["admin"]


def test_a_role_is_created_replaced_and_deleted(client: GenesysClient) -> None:
    created = client.create_role("org-partner-a", RoleSpec(name="Viewer", permissions=[VIEW]))
    assert (created.name, created.permissions) == ("Viewer", [VIEW])
    wider = RoleUpdate(name="Viewer", permissions=[VIEW, "recording:screenRecording:delete"], version=created.version)
    assert client.update_role("org-partner-a", created.id, wider).permissions == sorted(wider.permissions)
    client.delete_role("org-partner-a", created.id)
    assert "Viewer" not in {r.name for r in client.list_roles("org-partner-a")}


def test_grants_are_written_one_role_at_a_time_in_the_home_division(client: GenesysClient) -> None:
    org = "org-partner-a"
    admin = client.list_roles(org, name="admin")[0]
    client.grant_role(org, "premium-app-a", admin.id)
    held = client.list_subject_grants(org, "premium-app-a")
    assert [(g.role.name, g.division.name, g.division.home) for g in held] == [("admin", "Home", True)]
    assert VIEW in held[0].role.permissions
    client.revoke_role(org, "premium-app-a", admin.id)
    assert client.list_subject_grants(org, "premium-app-a") == []


def test_a_grant_in_every_division_reads_back_as_star(client: GenesysClient) -> None:
    org = "org-partner-a"
    admin = client.list_roles(org, name="admin")[0]
    client.grant_role(org, "premium-app-a", admin.id, EVERY_DIVISION)
    assert [g.division for g in client.list_subject_grants(org, "premium-app-a")] == [EVERY_DIVISION]
    client.revoke_role(org, "premium-app-a", admin.id, EVERY_DIVISION)
    assert client.list_subject_grants(org, "premium-app-a") == []


def test_a_created_client_comes_with_its_secret(client: GenesysClient) -> None:
    spec = OAuthClientSpec(name="Reporting", authorizedGrantType=GrantType.CLIENT_CREDENTIALS)
    created = client.create_client("org-partner-a", spec)
    assert created.secret and created.authorizedGrantType is GrantType.CLIENT_CREDENTIALS
    assert client.rotate_secret("org-partner-a", created.id).secret not in ("", created.secret)


def test_changing_a_client_keeps_its_grants(client: GenesysClient) -> None:
    org = "org-partner-b"
    before = [g.role.name for g in client.list_subject_grants(org, "premium-app-b")]
    app = client.get_client(org, "premium-app-b")
    update = OAuthClientUpdate(**{**app.model_dump(), "description": "Reads screen recordings"})
    assert client.update_client(org, app.id, update).description == "Reads screen recordings"
    assert [g.role.name for g in client.list_subject_grants(org, "premium-app-b")] == before == ["Recording Analyst"]


def test_a_license_toggle_is_switched_only_when_it_differs(client: GenesysClient) -> None:
    assert client.set_license_feature("org-partner-c", "analytics", True).enabled is True
    assert client.set_license_feature("org-partner-c", "analytics", True).enabled is True
    features = {name: f.enabled for name, f in client.license_features("org-partner-c").items()}
    assert features["analytics"] is True


def test_a_contract_managed_toggle_raises_license_contract_required(client: GenesysClient) -> None:
    with pytest.raises(LicenseContractRequired):
        client.set_license_feature("org-partner-d", "analytics", True)


def test_the_kinds_converge_an_org_through_the_adapter(client: GenesysClient, emulator: EmulatorHandle) -> None:
    fleet = Fleet(client)
    org = "org-partner-b"
    analyst = role.declared(org, RoleDecl(name="Premium Recording Analyst", permissions=[VIEW]))
    role.KIND.converge(fleet, analyst, {})
    binding = {"org": org, "homeOrg": org, "serviceAccount": "Premium App", "roles": ["Premium Recording Analyst"]}
    role_binding.KIND.converge(fleet, {**binding, "justification": ""}, {})
    license_feature.KIND.converge(fleet, license_feature.declared(org, "analytics", True), {})
    assert role_binding.KIND.observe(Fleet(client), binding).props == {"roles": ["Premium Recording Analyst"]}
    with GenesysClient(emulator.url, {org: ("premium-app-b", SecretStr("s3cret-app-b"))}) as app:
        assert app.screen_sessions(org) == 3


def test_the_apps_call_is_forbidden_while_access_is_broken(emulator: EmulatorHandle) -> None:
    app = GenesysClient(emulator.url, {"org-partner-a": ("premium-app-a", SecretStr("s3cret-app-a"))})
    with app, pytest.raises(Forbidden):
        app.screen_sessions("org-partner-a")


@pytest.mark.parametrize(
    ("api", "login"),
    [
        ("https://api.mypurecloud.com", "https://login.mypurecloud.com/oauth/token"),
        ("https://api.euw2.pure.cloud/", "https://login.euw2.pure.cloud/oauth/token"),
        ("http://127.0.0.1:8790", "http://127.0.0.1:8790/oauth/token"),
    ],
)
def test_tokens_come_from_the_regions_login_host_as_the_sdk_computes_it(api: str, login: str) -> None:
    with GenesysClient(api, {"org": ("id", SecretStr("secret"))}) as client:
        assert client.org("org")._token_url() == login


def _toggle_reads(emulator: EmulatorHandle, since: int) -> list[str]:
    return [e.path.rsplit("/", 1)[-1] for e in emulator.audit(since) if "/license/toggles/" in e.path]


def test_an_orgs_license_features_read_only_the_toggles_looked_up(
    client: GenesysClient, emulator: EmulatorHandle
) -> None:
    client.get_organization("org-partner-c")  # its login, before counting
    since = emulator.audit_count()

    features = client.license_features("org-partner-c")
    assert features["analytics"].name == "analytics"
    assert features.get("analytics") == features["analytics"]

    assert _toggle_reads(emulator, since) == ["analytics"]


def test_going_through_an_orgs_license_features_reads_every_known_toggle(
    client: GenesysClient, emulator: EmulatorHandle
) -> None:
    client.get_organization("org-partner-c")
    since = emulator.audit_count()

    assert sorted(client.license_features("org-partner-c")) == ["analytics", "screen_recording", "speech_analytics"]
    assert sorted(_toggle_reads(emulator, since)) == ["analytics", "screen_recording", "speech_analytics"]
