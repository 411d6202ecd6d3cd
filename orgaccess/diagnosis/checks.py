"""One diagnosis: the checks of one service account in one org, and those every dialect shares.

A dialect's diagnosis (orgaccess.dialects) derives from `Diagnosis`: it runs the checks in its
order, adds those that exist on its platform only, and names its calls as evidence.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from orgaccess.declarations.access_yaml import Declarations
from orgaccess.declarations.yamlsource import show
from orgaccess.diagnosis.findings import (
    Check,
    Finding,
    Probe,
    Remedy,
    Status,
    failed,
    fix,
    listed,
    passed,
    skipped,
    verdict,
)
from orgaccess.diagnosis.probes import Probes
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.errors import Forbidden, NotFound, PlatformError
from orgaccess.platform.models import GrantType, OAuthClient, Role
from orgaccess.reconciler.kinds import license_feature, org_roles, service_account
from orgaccess.reconciler.kinds.grants import granted
from orgaccess.reconciler.snapshot import Fleet
from orgaccess.vocabulary import ANALYTICS, Cause


class Diagnosis(ABC):
    """The checks of one service account in one org, through the reconciler's own snapshot."""

    # The permissions the app needs, in the dialect's own names.
    view_permission: str
    delete_permission: str
    # The call that lists the org's license features, as evidence names it.
    licenses_path: str

    def __init__(self, dialect: Dialect, decls: Declarations, fleet: Fleet, org: str, name: str) -> None:
        self.decls, self.fleet, self.org, self.name = decls, fleet, org, name
        # Where the account bound in `org` lives.
        self.home = dialect.account_home(decls.homeOrg, org)
        self.declared = decls.account(name)
        self.who = f"service account {show(name)}"
        self.accounts_call = f"GET /api/v2/oauth/clients in {show(self.home)}"

    @abstractmethod
    def checks(self, account: OAuthClient | None) -> list[Check]:
        """Every cause checked, in order, before the probe."""

    @abstractmethod
    def grants_call(self, account: OAuthClient) -> str:
        """The call that lists `account`'s grants in the org, as evidence names it."""

    def probed(self, checks: list[Check], account: OAuthClient | None) -> bool:
        """Whether the data plane is worth probing as `account` after `checks`."""
        return account is not None

    def after_probe(self, probe: Probe) -> list[Check]:
        """Checks that read the probe itself."""
        return []

    def account(self) -> OAuthClient | None:
        """The account checked: the one of the declared name where it lives."""
        return service_account.accounts(self.fleet, self.home).get(self.name)

    def run(self, probes: Probes) -> Finding:
        account = self.account()
        checks = self.checks(account)
        probe = (
            probes.run(self.org, self.name, account)
            if account is not None and self.probed(checks, account)
            else Probe(status=Status.SKIP, evidence=self.not_probed())
        )
        checks += self.after_probe(probe)
        return Finding(
            org=self.org, serviceAccount=self.name, verdict=verdict(checks, probe), checks=checks, probe=probe
        )

    def not_probed(self) -> str:
        return f"not probed: org {show(self.org)} has no {self.who}"

    # ---- the checks every dialect has

    def scope(self, account: OAuthClient) -> Check:
        """C1: the account gets an app token (client credentials) whose scopes carry the view permission."""
        declared = self.declared
        if account.authorizedGrantType is not GrantType.CLIENT_CREDENTIALS:
            return failed(
                Cause.SCOPE,
                "scope",
                f"{self.accounts_call}: {self.who} has grant type {account.authorizedGrantType.value}, "
                "so the token endpoint issues it no app token",
                fix(
                    declared is not None and declared.grantType == "client_credentials",
                    "access.yaml declares grantType: client_credentials",
                    f"set grantType: client_credentials for {self.who}",
                ),
            )
        view = self.view_permission
        if view not in account.scopes:
            return failed(
                Cause.SCOPE,
                "scope",
                f"{self.accounts_call}: {self.who} has scopes {listed(account.scopes)}, without {view}",
                fix(
                    declared is not None and view in declared.scopes,
                    f"access.yaml adds the scope {view}",
                    f"add {view} to the scopes of {self.who}",
                ),
            )
        return passed(Cause.SCOPE, "scope", f"{self.accounts_call}: scopes include {view}")

    def role(self, account: OAuthClient) -> Check:
        """C3: a role granted in the org carries the view permission (and delete, where declared)."""
        try:
            held = granted(self.fleet, self.org, account)
            declared_roles = self._declared_roles()
        except (Forbidden, NotFound) as exc:
            return self.cannot_read(Cause.ROLE, "role", exc)
        declared_permissions = {p for perms in declared_roles.values() for p in perms}
        # Deleting recordings is checked only where the declaration asks for it.
        needed = {self.view_permission} | ({self.delete_permission} & declared_permissions)
        missing = sorted(needed - {p for r in held.values() for p in r.permissions})
        call = self.grants_call(account)
        if not missing:
            return passed(Cause.ROLE, "role", f"{call}: granted roles carry {listed(needed)}")
        cure = sorted(name for name, perms in declared_roles.items() if set(missing) & set(perms))
        return failed(
            Cause.ROLE,
            "role",
            f"{call}: {self._granted(held, missing)}",
            fix(
                not set(missing) - declared_permissions,
                f"access.yaml binds {listed(cure)}: it creates or corrects the role(s) and grants them",
                f"bind a role with {listed(missing)} to {self.who} in org {show(self.org)}",
            ),
        )

    def _granted(self, held: dict[str, Role], missing: list[str]) -> str:
        if not held:
            return f"no role is granted to {self.who}"
        roles = "; ".join(f"{show(n)} {listed(r.permissions)}" for n, r in sorted(held.items()))
        return f"granted {roles}; none carries {listed(missing)}"

    def _declared_roles(self) -> dict[str, list[str]]:
        """The permissions each role bound in the declaration will carry once applied."""
        names = next((b.roles for b in self.decls.bindings_in(self.org) if b.serviceAccount == self.name), [])
        return {name: self._permissions_of(name) for name in names}

    def _permissions_of(self, name: str) -> list[str]:
        custom = self.decls.role(name)
        if custom is not None:
            return custom.permissions
        # A built-in role: its permissions are the platform's, read live.
        builtin = org_roles.roles(self.fleet, self.org).get(name)
        return builtin.permissions if builtin else []

    def license(self) -> Check:
        """C4: the org's analytics license feature is on."""
        try:
            feature = license_feature.features(self.fleet, self.org).get(ANALYTICS)
        except (Forbidden, NotFound) as exc:
            return self.cannot_read(Cause.LICENSE, "license", exc)
        call = f"GET {self.licenses_path} in {show(self.org)}"
        if feature is None:
            return failed(
                Cause.LICENSE,
                "license",
                f"{call}: the org has no {ANALYTICS} feature",
                (f"a contract change: org {show(self.org)} must buy {ANALYTICS}", Remedy.CONTRACT),
            )
        if feature.enabled:
            return passed(Cause.LICENSE, "license", f"{call}: {ANALYTICS} enabled")
        if not feature.selfService:
            return failed(
                Cause.LICENSE,
                "license",
                f"{call}: {ANALYTICS} disabled and contract-managed (selfService: false)",
                (
                    f"a contract change with the platform vendor: {ANALYTICS} in org {show(self.org)} "
                    "cannot be switched on by API (pulumi up reports it, never fixes it)",
                    Remedy.CONTRACT,
                ),
            )
        declared = self.decls.org(self.org)
        return failed(
            Cause.LICENSE,
            "license",
            f"{call}: {ANALYTICS} disabled (selfService: true)",
            fix(
                declared is not None and declared.licenses.get(ANALYTICS) is True,
                f"access.yaml switches {ANALYTICS} on",
                f"declare licenses: {{{ANALYTICS}: true}} for org {show(self.org)}",
            ),
        )

    def cannot_read(self, cause: str, title: str, exc: PlatformError) -> Check:
        """orgaccess's own client may not read what `cause` needs in the org."""
        who = show(self.fleet.client.own_client_id(self.org))
        return failed(
            cause,
            title,
            str(exc),
            (f"grant the built-in admin role to {who} in org {show(self.org)}", Remedy.PLATFORM),
        )

    @staticmethod
    def unreachable(cause: str, title: str) -> Check:
        return skipped(cause, title, "the org cannot be addressed (C5)")
