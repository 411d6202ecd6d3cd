"""Which orgs orgaccess cannot read on genesys-cloud: those without an admin client; and which
orgs a fleet stack's preflight logs in to: its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from orgaccess.declarations.access_yaml import DeclarationError, parse_declarations
from orgaccess.dialects import GENESYS_CLOUD
from orgaccess.dialects.genesys_cloud import reach
from orgaccess.emulator.api import Api
from orgaccess.emulator.fleet_scenario import generate
from orgaccess.platform.genesys.client import UnknownOrg
from orgaccess.platform.models import Organization
from orgaccess.reconciler.snapshot import Fleet


class _Credentials:
    """A client holding admin credentials for `orgs` only, as GenesysClient answers."""

    def __init__(self, orgs: set[str]) -> None:
        self._orgs = orgs
        self.read: list[str] = []

    def own_client_id(self, org: str) -> str:
        if org not in self._orgs:
            raise UnknownOrg(org)
        return f"admin-of-{org}"

    def get_organization(self, org: str) -> Organization:
        self.read.append(org)
        return Organization(id=org, name=org, linkedOrganizations=[])


def test_export_names_each_org_without_admin_credentials_once_in_order() -> None:
    fleet = Fleet(cast(Any, _Credentials({"org-a", "org-c"})))

    problems = reach.unexportable(fleet, ["org-d", "org-a", "org-b", "org-d", "org-c"])

    assert [p.split(" has ")[0] for p in problems] == ["org 'org-b'", "org 'org-d'"]
    assert all("ORGACCESS_ORG_CREDENTIALS" in p for p in problems)


def test_export_finds_nothing_to_refuse_when_every_org_has_admin_credentials() -> None:
    fleet = Fleet(cast(Any, _Credentials({"org-a", "org-b"})))

    assert reach.unexportable(fleet, ["org-a", "org-b"]) == []


def test_a_fleet_stacks_preflight_logs_in_to_its_own_orgs_only(tmp_path: Path) -> None:
    path = tmp_path / "access.yaml"
    path.write_text(generate(20, drift_fraction=0.0, api=Api.GENESYS_CLOUD).declarations_yaml)
    decls = parse_declarations(path.read_text(), GENESYS_CLOUD)
    mine = {org.id for org in decls.orgs[::4]}
    client = _Credentials({org.id for org in decls.orgs})

    GENESYS_CLOUD.reading_preflight(decls, path, Fleet(cast(Any, client)), mine.__contains__)

    assert set(client.read) == mine


def test_a_fleet_stacks_preflight_names_the_line_of_its_org_in_the_whole_file(tmp_path: Path) -> None:
    # A stack reads its part of the file (Shard.narrow): its orgs are not at their positions in the file.
    path = tmp_path / "access.yaml"
    path.write_text(generate(20, drift_fraction=0.0, api=Api.GENESYS_CLOUD).declarations_yaml)
    decls = parse_declarations(path.read_text(), GENESYS_CLOUD)
    lacking = decls.orgs[13].id
    part = decls.with_orgs(lambda org: org in {decls.orgs[2].id, lacking})
    client = _Credentials({org.id for org in decls.orgs} - {lacking})

    with pytest.raises(DeclarationError) as refused:
        GENESYS_CLOUD.reading_preflight(part, path, Fleet(cast(Any, client)))

    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if f"id: {lacking}" in text)
    assert str(refused.value).startswith(f"{path}:{line}: org '{lacking}' has no admin credentials")


def test_the_programs_half_of_the_preflight_reads_no_org(tmp_path: Path) -> None:
    path = tmp_path / "access.yaml"
    path.write_text(generate(20, drift_fraction=0.0, api=Api.GENESYS_CLOUD).declarations_yaml)
    decls = parse_declarations(path.read_text(), GENESYS_CLOUD)
    client = _Credentials({org.id for org in decls.orgs})

    GENESYS_CLOUD.planning_preflight(decls, path, Fleet(cast(Any, client)))

    assert client.read == []


def test_the_programs_half_of_the_preflight_names_the_line_of_an_org_without_credentials(tmp_path: Path) -> None:
    path = tmp_path / "access.yaml"
    path.write_text(generate(20, drift_fraction=0.0, api=Api.GENESYS_CLOUD).declarations_yaml)
    decls = parse_declarations(path.read_text(), GENESYS_CLOUD)
    lacking = decls.orgs[7].id
    client = _Credentials({org.id for org in decls.orgs} - {lacking})

    with pytest.raises(DeclarationError) as refused:
        GENESYS_CLOUD.planning_preflight(decls, path, Fleet(cast(Any, client)))

    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if f"id: {lacking}" in text)
    assert str(refused.value) == (
        f"{path}:{line}: org '{lacking}' has no admin credentials; "
        "add it under orgaccess:orgCredentials with its own client id and secret"
    )
