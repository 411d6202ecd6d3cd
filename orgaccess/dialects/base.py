"""What one dialect is, whole: the answers orgaccess.platform.dialect.Dialect asks for, and those
of the layers above the dialects (preflight, the doctor, export).

Each dialect is one package beside this module holding everything that differs for it, and one
`Definition` instance, named in the registry (orgaccess.dialects) by its config spelling.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from orgaccess.declarations.access_yaml import Declarations
from orgaccess.diagnosis.checks import Diagnosis
from orgaccess.diagnosis.findings import AppProbe
from orgaccess.platform.dialect import Client
from orgaccess.platform.settings import Settings
from orgaccess.reconciler.snapshot import Fleet

OrgFilter = Callable[[str], bool]


def every_org(_org: str) -> bool:
    return True


class Definition(ABC):
    """One dialect: `orgaccess:platform: <name>`."""

    name: str
    # orgaccess's own credentials: one admin client per org, or one client for every org.
    per_org_credentials: bool
    # Whether an account lives in each org that binds it, or in the home org only.
    accounts_per_org: bool
    org_lock: bool
    divisions: bool
    scopes: bool

    def account_home(self, home_org: str, org: str) -> str:
        return org if self.accounts_per_org else home_org

    @abstractmethod
    def client(self, settings: Settings, **options: Any) -> Client: ...

    @abstractmethod
    def permission_problem(self, owner: str, kind: str, name: str) -> str | None: ...

    @abstractmethod
    def spelled(self, permissions: list[str]) -> list[str]: ...

    # The preflight raises DeclarationError naming the line of every declared org the credentials
    # cannot act in, in two halves, both before anything read is used. The process that plans (the
    # program; a report's own process) checks the first before it declares or reads anything; each
    # process that reads orgs (the provider, before its first `check` answers; a report's reading
    # processes) checks the second on the orgs it reads. By default the first is all of it. A
    # dialect whose check is a login to every org leaves that to the processes that log in to those
    # orgs anyway, and plans with what needs no call. `holds_org`: the orgs a stack of a fleet
    # holds; a dialect that must log in to each org to check it checks only those.

    @abstractmethod
    def planning_preflight(
        self, decls: Declarations, path: Path, fleet: Fleet, holds_org: OrgFilter = every_org
    ) -> None:
        """The half of the preflight checked by the process that plans."""

    def reading_preflight(
        self, decls: Declarations, path: Path, fleet: Fleet, holds_org: OrgFilter = every_org
    ) -> None:
        """The half of the preflight checked by each process that reads orgs, on those `holds_org`
        holds: by default none, the planning process checked it all."""
        return None

    @abstractmethod
    def unexportable(self, fleet: Fleet, home_org: str, orgs: list[str]) -> list[str]:
        """Why some of `orgs` cannot be exported with the credentials, one line each with the fix."""

    @abstractmethod
    def diagnosis(self, decls: Declarations, fleet: Fleet, org: str, name: str) -> Diagnosis:
        """The doctor's checks of account `name` bound in `org`."""

    @abstractmethod
    def app_probe(self, settings: Settings, org: str, client_id: str, secret: SecretStr) -> AppProbe:
        """The data plane called in `org` as the app `client_id`, with its own secret."""
