"""The seed platform's multi-org API (docs/api.md): one admin client for every org, which names
its target org in a header; accounts live in the home org and reach linked orgs by their org lock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr

from orgaccess.declarations.access_yaml import Declarations, suggest
from orgaccess.declarations.yamlsource import show
from orgaccess.dialects.base import Definition, OrgFilter, every_org
from orgaccess.dialects.seed import reach
from orgaccess.dialects.seed.doctor import SeedDiagnosis
from orgaccess.dialects.seed.probe import SeedProbe
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.settings import Settings
from orgaccess.reconciler.snapshot import Fleet
from orgaccess.vocabulary import PERMISSIONS


class Seed(Definition):
    name = "seed"
    per_org_credentials = False
    accounts_per_org = False
    org_lock = True
    divisions = False
    scopes = True

    def client(self, settings: Settings, **options: Any) -> PlatformClient:
        return PlatformClient(settings.api_url, settings.client_id, settings.client_secret, **options)

    def permission_problem(self, owner: str, kind: str, name: str) -> str | None:
        if name in PERMISSIONS:
            return None
        return f"{owner} names unknown {kind} {show(name)}; " + suggest(name, sorted(PERMISSIONS), "known ones")

    def spelled(self, permissions: list[str]) -> list[str]:
        return sorted(permissions)

    def planning_preflight(
        self, decls: Declarations, path: Path, fleet: Fleet, holds_org: OrgFilter = every_org
    ) -> None:
        # One read of the home org answers for every org (its links): each stack checks them all.
        reach.preflight(decls, path, fleet)

    def unexportable(self, fleet: Fleet, home_org: str, orgs: list[str]) -> list[str]:
        return reach.unexportable(fleet, home_org, orgs)

    def diagnosis(self, decls: Declarations, fleet: Fleet, org: str, name: str) -> SeedDiagnosis:
        return SeedDiagnosis(self, decls, fleet, org, name)

    def app_probe(self, settings: Settings, org: str, client_id: str, secret: SecretStr) -> SeedProbe:
        return SeedProbe(PlatformClient(settings.api_url, client_id, secret, ca_bundle=settings.ca_bundle))


DIALECT = Seed()
