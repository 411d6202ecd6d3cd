"""On genesys-cloud a client's grants are read from its org's client listing (`roleDivisions`), which
the accounts read anyway, not from its subject: one call fewer per account and org."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from orgaccess.demo.genesys import ORGS
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.genesys.client import GenesysClient
from orgaccess.platform.models import EVERY_DIVISION, Grant, GrantType, OAuthClientSpec, RoleSpec
from orgaccess.reconciler.kinds import org_roles, role_binding, service_account
from orgaccess.reconciler.kinds.grants import grant_pairs
from orgaccess.reconciler.snapshot import Fleet


@pytest.fixture
def client(emulator: EmulatorHandle) -> Iterator[GenesysClient]:
    credentials = {org: (f"orgaccess-admin-{n}", SecretStr(f"s3cret-admin-{n}")) for org, n in ORGS.items()}
    with GenesysClient(emulator.url, credentials, max_attempts=2) as made:
        yield made


def _pairs(grants: list[Grant]) -> list[tuple[str, str, str, bool]]:
    return sorted((g.role.name, g.division.id, g.division.name, g.division.home) for g in grants)


def _subject_reads(emulator: EmulatorHandle, since: int) -> list[str]:
    return [e.path for e in emulator.audit(since) if "/authorization/subjects/" in e.path]


def test_every_clients_grants_read_from_the_listing_are_those_of_its_subject(
    client: GenesysClient, emulator: EmulatorHandle
) -> None:
    fleet = Fleet(client)
    since = emulator.audit_count()
    listed = {
        (org, account.id): _pairs(grant_pairs(fleet, org, account))
        for org in ORGS
        for account in service_account.accounts(fleet, org).values()
    }
    assert _subject_reads(emulator, since) == []
    assert listed == {(org, subject): _pairs(client.list_subject_grants(org, subject)) for org, subject in listed}
    assert any(pairs for pairs in listed.values())


def test_a_grant_of_a_role_newer_than_the_roles_read_names_it_from_the_roles_read_again(
    client: GenesysClient, emulator: EmulatorHandle
) -> None:
    org, fleet = "org-partner-a", Fleet(client)
    org_roles.roles(fleet, org)
    newer = client.create_role(org, RoleSpec(name="Newer", permissions=["recording:screenRecording:view"]))
    app = service_account.accounts(fleet, org)["Premium App"]
    client.grant_role(org, app.id, newer.id, EVERY_DIVISION)
    since = emulator.audit_count()

    held = grant_pairs(fleet, org, app, fresh=True)

    assert ("Newer", "*", "*", False) in _pairs(held)
    assert _subject_reads(emulator, since) == []


def test_a_grant_the_binding_writes_is_read_back_by_the_same_snapshot(client: GenesysClient) -> None:
    org, fleet = "org-partner-a", Fleet(client)
    app = service_account.accounts(fleet, org)["Premium App"]
    assert "admin" not in {g.role.name for g in grant_pairs(fleet, org, app)}
    binding = {"org": org, "homeOrg": org, "serviceAccount": "Premium App", "roles": ["admin"], "justification": ""}

    role_binding.KIND.converge(fleet, binding, {})

    assert {g.role.name for g in grant_pairs(fleet, org, app)} == {"admin"}


def test_a_created_client_holds_the_grants_its_listing_names_none_yet(client: GenesysClient) -> None:
    created = client.create_client(
        "org-partner-a", OAuthClientSpec(name="Reporting", authorizedGrantType=GrantType.CLIENT_CREDENTIALS)
    )
    assert created.grants == []
