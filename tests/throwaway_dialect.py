"""A dialect that exists only in tests, to prove that a dialect lives in one package (ARCHITECTURE.md, Dialects).

`throwaway`: the seed emulator's API, spoken by a dialect of its own, built on the generic parts
(dialects/base, orgaccess.diagnosis) and none of the seed dialect's. Its doctor checks two causes
only (C3 role, C4 license) and its preflight and export check that every org is linked to the home
org. It notes what the commands ask of it (`asked`), so a test sees that they went through it.
`registered()` adds it to the registry; nothing under orgaccess/ names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from orgaccess import dialects
from orgaccess.declarations.access_yaml import DeclarationError, Declarations
from orgaccess.diagnosis.checks import Diagnosis
from orgaccess.diagnosis.findings import Check, skipped
from orgaccess.dialects.base import Definition, OrgFilter, every_org
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.models import OAuthClient
from orgaccess.platform.settings import Settings
from orgaccess.reconciler.snapshot import Fleet
from orgaccess.vocabulary import PERMISSIONS, Cause, Permission

NAME = "throwaway"


def linked(fleet: Fleet, home_org: str) -> set[str]:
    home = fleet.organization(home_org)
    return {home.id, *(org.id for org in home.linkedOrganizations)}


class ThrowawayDiagnosis(Diagnosis):
    view_permission = Permission.RECORDING_VIEW
    delete_permission = Permission.SCREEN_RECORDING_ADMIN
    licenses_path = "/api/v2/license/features"

    def grants_call(self, account: OAuthClient) -> str:
        return f"the throwaway grants of {account.id}"

    def checks(self, account: OAuthClient | None) -> list[Check]:
        role = self.role(account) if account is not None else skipped(Cause.ROLE, "role", "no account")
        return [role, self.license()]


class RecordingsProbe:
    def __init__(self, client: PlatformClient) -> None:
        self._client = client

    def call(self, org: str) -> str:
        return f"the throwaway probe in {org}"

    def run(self, org: str) -> str:
        return f"{len(self._client.list_screen_recordings(org))} recordings"

    def close(self) -> None:
        self._client.close()


class Throwaway(Definition):
    name = NAME
    per_org_credentials = False
    accounts_per_org = False
    org_lock = True
    divisions = False
    scopes = True

    def __init__(self) -> None:
        self.asked: list[str] = []

    def client(self, settings: Settings, **options: Any) -> PlatformClient:
        self.asked.append("client")
        return PlatformClient(settings.api_url, settings.client_id, settings.client_secret, **options)

    def permission_problem(self, owner: str, kind: str, name: str) -> str | None:
        return None if name in PERMISSIONS else f"{owner} names {kind} {name!r}, which the throwaway dialect lacks"

    def spelled(self, permissions: list[str]) -> list[str]:
        return sorted(permissions)

    def planning_preflight(
        self, decls: Declarations, path: Path, fleet: Fleet, holds_org: OrgFilter = every_org
    ) -> None:
        self.asked.append("preflight")
        reached = linked(fleet, decls.homeOrg)
        if unlinked := [o.id for o in decls.orgs if o.id not in reached]:
            raise DeclarationError([f"{path}: {org} is not linked to the home org" for org in unlinked])

    def unexportable(self, fleet: Fleet, home_org: str, orgs: list[str]) -> list[str]:
        self.asked.append("unexportable")
        return [f"{org} is not linked to the home org" for org in sorted(set(orgs) - linked(fleet, home_org))]

    def diagnosis(self, decls: Declarations, fleet: Fleet, org: str, name: str) -> ThrowawayDiagnosis:
        self.asked.append("diagnosis")
        return ThrowawayDiagnosis(self, decls, fleet, org, name)

    def app_probe(self, settings: Settings, org: str, client_id: str, secret: SecretStr) -> RecordingsProbe:
        self.asked.append("app_probe")
        return RecordingsProbe(PlatformClient(settings.api_url, client_id, secret))


DIALECT = Throwaway()


@contextmanager
def registered() -> Iterator[Throwaway]:
    """The dialect in the registry, its notes cleared, for the duration."""
    DIALECT.asked.clear()
    dialects.register(DIALECT)
    try:
        yield DIALECT
    finally:
        dialects.unregister(DIALECT)
