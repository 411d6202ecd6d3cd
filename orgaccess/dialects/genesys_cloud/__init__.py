"""Genesys Cloud's public API: a client acts in its own org only, so orgaccess has an admin client
in each org, and an account is a client of its name in each org that binds it. No org lock, no org
header, no scopes that limit a client-credentials token; roles are granted in divisions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr

from orgaccess.declarations.access_yaml import Declarations
from orgaccess.declarations.yamlsource import show
from orgaccess.dialects.base import Definition, OrgFilter, every_org
from orgaccess.dialects.genesys_cloud import reach
from orgaccess.dialects.genesys_cloud.doctor import GenesysDiagnosis
from orgaccess.dialects.genesys_cloud.probe import GenesysProbe
from orgaccess.platform.genesys import permissions
from orgaccess.platform.genesys.client import GenesysClient
from orgaccess.platform.settings import Settings
from orgaccess.reconciler.snapshot import Fleet


class GenesysCloud(Definition):
    name = "genesys-cloud"
    per_org_credentials = True
    accounts_per_org = True
    org_lock = False
    divisions = True
    scopes = False

    def client(self, settings: Settings, **options: Any) -> GenesysClient:
        credentials = {org: (c.clientId, c.clientSecret) for org, c in settings.org_credentials}
        return GenesysClient(settings.api_url, credentials, **options)

    def permission_problem(self, owner: str, kind: str, name: str) -> str | None:
        """Genesys permissions are `domain:entity:action`; a seed name gets its Genesys spelling as the fix."""
        try:
            permissions.split(name)
        except ValueError:
            hint = permissions.FROM_SEED.get(name)
            fix = (
                f"on genesys-cloud write {show(hint[0])}"
                if hint and len(hint) == 1
                else "write it domain:entity:action"
            )
            return f"{owner} names {kind} {show(name)}, which is not a Genesys Cloud permission; {fix}"
        return None

    def spelled(self, names: list[str]) -> list[str]:
        return permissions.from_seed(names)

    def planning_preflight(
        self, decls: Declarations, path: Path, fleet: Fleet, holds_org: OrgFilter = every_org
    ) -> None:
        # Where each org's credentials act is a login and a read per org; the processes that read
        # the orgs log in to each anyway, so they check that (a login fewer per org, and no read here).
        reach.credentials_given(decls, path, fleet, holds_org)

    def reading_preflight(
        self, decls: Declarations, path: Path, fleet: Fleet, holds_org: OrgFilter = every_org
    ) -> None:
        reach.preflight(decls, path, fleet, holds_org)

    def unexportable(self, fleet: Fleet, home_org: str, orgs: list[str]) -> list[str]:
        return reach.unexportable(fleet, [home_org, *orgs])

    def diagnosis(self, decls: Declarations, fleet: Fleet, org: str, name: str) -> GenesysDiagnosis:
        return GenesysDiagnosis(self, decls, fleet, org, name)

    def app_probe(self, settings: Settings, org: str, client_id: str, secret: SecretStr) -> GenesysProbe:
        return GenesysProbe(GenesysClient(settings.api_url, {org: (client_id, secret)}, ca_bundle=settings.ca_bundle))


DIALECT = GenesysCloud()
