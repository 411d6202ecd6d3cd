"""What differs between the platforms orgaccess speaks, as the layers below the dialects ask it.

A dialect is one object (orgaccess.dialects: one package each, chosen once by its config name
from `orgaccess:platform` or `--platform`). The settings, the declarations, the kinds, the plan
and the engine's processes receive it as a parameter typed by this protocol, and ask it what they
need; none of them asks which dialect it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from orgaccess.platform.client import PlatformClient
from orgaccess.platform.genesys.client import GenesysClient

if TYPE_CHECKING:
    from orgaccess.platform.settings import Settings

# What a dialect's client factory makes: every method names its target org first.
Client = PlatformClient | GenesysClient


class Dialect(Protocol):
    @property
    def name(self) -> str:
        """Its config spelling: the value of `orgaccess:platform` and `--platform`."""
        ...

    @property
    def per_org_credentials(self) -> bool:
        """Whether orgaccess's own credentials are one admin client per org (`orgaccess:orgCredentials`)
        rather than one client for every org (`orgaccess:clientId`, `orgaccess:clientSecret`)."""
        ...

    @property
    def accounts_per_org(self) -> bool:
        """Whether an account is a client in each org that binds it, rather than in the home org only."""
        ...

    @property
    def org_lock(self) -> bool:
        """Whether an account has an org lock (`orgLock` in access.yaml)."""
        ...

    @property
    def divisions(self) -> bool:
        """Whether a role is granted in divisions (`divisions` in access.yaml)."""
        ...

    @property
    def scopes(self) -> bool:
        """Whether an app token is limited by its account's scopes (checked as permission names)."""
        ...

    def account_home(self, home_org: str, org: str) -> str:
        """Where the account bound in `org` lives, given the declarations' `homeOrg`."""
        ...

    def client(self, settings: Settings, **options: Any) -> Client:
        """orgaccess's own client of the platform `settings` describe; `options` go to each PlatformClient."""
        ...

    def permission_problem(self, owner: str, kind: str, name: str) -> str | None:
        """Why `name`, a permission (`kind`: permission or scope) `owner` lists, is not one of this
        platform's, with the fix; None when it is."""
        ...

    def spelled(self, permissions: list[str]) -> list[str]:
        """Seed permission names as this dialect's declarations write them."""
        ...
