"""Why a service account gets 403 from the screen-recordings API in an org: causes C1 to C6.

For each declared binding (a service account in an org), the live state is read through the
reconciler's own snapshot (`Fleet`), each cause of docs/causes.md is checked in turn with
the call that answered as evidence and the fix, and then the data plane is probed as the
service account itself. A fix that is applied but not yet visible to the data plane (the
platform's propagation delay) is told apart from one that is missing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, SecretStr

from orgaccess.declarations.access_yaml import Declarations
from orgaccess.declarations.yamlsource import show
from orgaccess.perorg import for_each_org
from orgaccess.platform.client import TOKEN_PATH, PlatformClient
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.errors import Forbidden, NotFound, PlatformError
from orgaccess.platform.genesys.client import GenesysClient
from orgaccess.platform.models import ORG_HEADER, GrantType, OAuthClient, OrgLock
from orgaccess.printable import escape
from orgaccess.reconciler.snapshot import Fleet
from orgaccess.vocabulary import ANALYTICS, Cause, Permission

PROBE_PATH = "/api/v2/analytics/screenrecordings"
GENESYS_PROBE_PATH = "/api/v2/recordings/screensessions/details"
POLL_SECONDS = 2.0


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


class Remedy(StrEnum):
    """Who can act on a failure: scripts route on this, people read `fix`."""

    NONE = "none"
    PULUMI_UP = "pulumi-up"
    EDIT_DECLARATIONS = "edit-declarations"
    CONTRACT = "contract-change"
    PLATFORM = "platform-admin"
    WAIT = "wait"
    APP_CREDENTIALS = "app-credentials"


class Verdict(StrEnum):
    OK = "ok"
    FIX_NEEDED = "fix-needed"
    # Every cause is fixed, yet the data plane still answers 403: the change has not propagated.
    PROPAGATING = "propagating"
    PROBE_FAILED = "probe-failed"


class Check(BaseModel):
    cause: str
    title: str
    status: Status
    evidence: str
    fix: str = ""
    remedy: Remedy = Remedy.NONE


class Probe(BaseModel):
    status: Status
    httpStatus: int | None = None
    evidence: str


class Finding(BaseModel):
    """The diagnosis of one service account in one org."""

    org: str
    serviceAccount: str
    verdict: Verdict
    checks: list[Check]
    probe: Probe

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK


class Probes:
    """Calls the data plane as each service account, with its own credentials; thread-safe.

    `secrets` are keyed by account name; on genesys-cloud, where each org has its own client, by
    `<org>/<name>`.
    """

    def __init__(
        self,
        api_url: str,
        secrets: Mapping[str, SecretStr],
        platform: Dialect = Dialect.SEED,
        ca_bundle: str | None = None,
    ) -> None:
        self._api_url = api_url
        self._ca_bundle = ca_bundle
        self._secrets = dict(secrets)
        self._per_org = platform is Dialect.GENESYS_CLOUD
        self._clients: dict[str, PlatformClient | GenesysClient] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Probes:
        return self

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()

    def run(self, org: str, name: str, account: OAuthClient) -> Probe:
        key = f"{org}/{name}" if self._per_org else name
        secret = self._secrets.get(key)
        if secret is None:
            env = "ORGACCESS_APP_CLIENT_SECRETS" if self._per_org else "ORGACCESS_APP_CLIENT_SECRET"
            return Probe(
                status=Status.SKIP,
                evidence=f"no secret for {show(key)}: set {env}, "
                "or use --app-secret-from-stack with the stack that created the account",
            )
        client = self._client(key, org, account.id, secret)
        try:
            if isinstance(client, GenesysClient):
                call = f"GET {GENESYS_PROBE_PATH} in {org} as {show(account.id)}"
                found = f"{client.screen_sessions(org)} screen recordings"
            else:
                call = f"GET {PROBE_PATH} with {ORG_HEADER}: {org} as {show(account.id)}"
                found = f"{len(client.list_screen_recordings(org))} recordings"
        except PlatformError as exc:
            answer = f"answered {exc.status} {escape(exc.code)}" if exc.status else f"failed: {exc.message}"
            if exc.path is not None and urlsplit(exc.path).path == TOKEN_PATH:
                # The login was refused before the call was made: say so, with the login service's reason.
                call, answer = (
                    f"the login of {show(account.id)} in {org}: POST {TOKEN_PATH}",
                    f"{answer}: {exc.message}",
                )
            context = f" (contextId {exc.context_id})" if exc.context_id else ""
            return Probe(status=Status.FAIL, httpStatus=exc.status, evidence=f"{call} {answer}{context}")
        return Probe(status=Status.PASS, httpStatus=200, evidence=f"{call} answered 200 with {found}")

    def _client(self, key: str, org: str, client_id: str, secret: SecretStr) -> PlatformClient | GenesysClient:
        with self._lock:
            if key not in self._clients:
                # A 403 is an answer here, not a glitch: no retries beyond the client's for 5xx/429.
                self._clients[key] = (
                    GenesysClient(self._api_url, {org: (client_id, secret)}, ca_bundle=self._ca_bundle)
                    if self._per_org
                    else PlatformClient(self._api_url, client_id, secret, ca_bundle=self._ca_bundle)
                )
            return self._clients[key]


def diagnose(
    decls: Declarations,
    fleet: Fleet,
    probes: Probes,
    *,
    accounts: set[str] | None = None,
    done: Callable[[str], None] = lambda _org: None,
) -> list[Finding]:
    """A finding per declared binding (of `accounts` when given), by org in file order."""
    bound = bindings_to_diagnose(decls, accounts)
    per_org = for_each_org(bound, lambda org: diagnose_in(decls, fleet, probes, org, bound[org]), done=done)
    return [finding for findings in per_org.values() for finding in findings]


def diagnose_in(decls: Declarations, fleet: Fleet, probes: Probes, org: str, accounts: Iterable[str]) -> list[Finding]:
    """A finding per service account of `accounts` (bound in `org`), in their order."""
    diagnosis = diagnosis_class(fleet)
    return [diagnosis(decls, fleet, org, name).run(probes) for name in accounts]


def bindings_to_diagnose(decls: Declarations, accounts: set[str] | None = None) -> dict[str, list[str]]:
    """Org -> the declared accounts bound there (those of `accounts` when given); orgs without any left out."""
    bound = {
        org.id: [b.serviceAccount for b in org.bindings if accounts is None or b.serviceAccount in accounts]
        for org in decls.orgs
    }
    return {org: names for org, names in bound.items() if names}


def settle(
    findings: list[Finding],
    decls: Declarations,
    fleet: Fleet,
    probes: Probes,
    wait_seconds: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> list[Finding]:
    """Probes again, until it passes or `wait_seconds` pass, wherever only propagation is missing."""
    deadline = clock() + wait_seconds
    findings = list(findings)
    while True:
        waiting = [i for i, f in enumerate(findings) if f.verdict is Verdict.PROPAGATING]
        if not waiting or clock() >= deadline:
            return findings
        sleep(min(POLL_SECONDS, max(0.0, deadline - clock())))
        for i in waiting:
            f = findings[i]
            account = fleet.accounts(diagnosis_class(fleet).account_org(decls, f.org))[f.serviceAccount]
            probe = probes.run(f.org, f.serviceAccount, account)
            findings[i] = f.model_copy(update={"probe": probe, "verdict": _verdict(f.checks, probe)})


def _verdict(checks: list[Check], probe: Probe) -> Verdict:
    if any(c.status is Status.FAIL for c in checks):
        return Verdict.FIX_NEEDED
    if probe.status is Status.FAIL:
        return Verdict.PROPAGATING if probe.httpStatus == 403 else Verdict.PROBE_FAILED
    return Verdict.OK


def _fix(declared: bool, applied: str, missing: str) -> tuple[str, Remedy]:
    """`applied` when access.yaml already declares the cure (pulumi up applies it), else `missing`."""
    if declared:
        return f"pulumi up: {applied}", Remedy.PULUMI_UP
    return f"{missing} in access.yaml, then pulumi up", Remedy.EDIT_DECLARATIONS


class _Diagnosis:
    """The checks of one service account in one org."""

    # The dialect's own names (diagnose_genesys maps them): str, not Permission.
    view_permission: str = Permission.RECORDING_VIEW
    delete_permission: str = Permission.SCREEN_RECORDING_ADMIN
    licenses_path = "/api/v2/license/features"

    @staticmethod
    def account_org(decls: Declarations, org: str) -> str:
        """Where the account bound in `org` lives."""
        return decls.homeOrg

    def grants_call(self, account: OAuthClient) -> str:
        return f"GET /api/v2/security/subjects/{account.id}/roles in {show(self.org)}"

    def admin(self) -> str:
        """orgaccess's own client that reads this org."""
        return str(self.fleet.client.client_id)

    def __init__(self, decls: Declarations, fleet: Fleet, org: str, name: str) -> None:
        self.decls, self.fleet, self.org, self.name = decls, fleet, org, name
        self.home = decls.homeOrg
        self.declared = decls.account(name)
        self.who = f"service account {show(name)}"
        self.accounts_call = f"GET /api/v2/oauth/clients in {show(self.home)}"

    def run(self, probes: Probes) -> Finding:
        account = self.fleet.accounts(self.home).get(self.name)
        c5 = self._addressable()
        if account is None:
            c1 = self._failed(
                Cause.SCOPE,
                "scope",
                f"{self.accounts_call}: no {self.who}",
                _fix(self.declared is not None, "access.yaml declares it: it is created", f"declare {self.who}"),
            )
            c2 = self._skipped(Cause.ORG_LOCK, "org lock", "the account does not exist")
            c3 = self._skipped(Cause.ROLE, "role", "the account does not exist")
        else:
            c1, c2 = self._scope(account), self._org_lock(account)
            c3 = self._role(account) if c5.status is Status.PASS else self._unreachable(Cause.ROLE, "role")
        c4 = self._license() if c5.status is Status.PASS else self._unreachable(Cause.LICENSE, "license")
        checks = [c1, c2, c3, c4, c5]
        probe = (
            probes.run(self.org, self.name, account)
            if account is not None and c5.status is Status.PASS
            else Probe(status=Status.SKIP, evidence="not probed: the account is missing or the org unreachable")
        )
        checks.append(self._header(probe))
        return Finding(
            org=self.org, serviceAccount=self.name, verdict=_verdict(checks, probe), checks=checks, probe=probe
        )

    def _scope(self, account: OAuthClient) -> Check:
        declared = self.declared
        if account.authorizedGrantType is not GrantType.CLIENT_CREDENTIALS:
            return self._failed(
                Cause.SCOPE,
                "scope",
                f"{self.accounts_call}: {self.who} has grant type {account.authorizedGrantType.value}, "
                "so the token endpoint issues it no app token",
                _fix(
                    declared is not None and declared.grantType == "client_credentials",
                    "access.yaml declares grantType: client_credentials",
                    f"set grantType: client_credentials for {self.who}",
                ),
            )
        if Permission.RECORDING_VIEW not in account.scopes:
            return self._failed(
                Cause.SCOPE,
                "scope",
                f"{self.accounts_call}: {self.who} has scopes {_listed(account.scopes)}, "
                f"without {Permission.RECORDING_VIEW}",
                _fix(
                    declared is not None and Permission.RECORDING_VIEW in declared.scopes,
                    f"access.yaml adds the scope {Permission.RECORDING_VIEW}",
                    f"add {Permission.RECORDING_VIEW} to the scopes of {self.who}",
                ),
            )
        return self._passed(Cause.SCOPE, "scope", f"{self.accounts_call}: scopes include {Permission.RECORDING_VIEW}")

    def _org_lock(self, account: OAuthClient) -> Check:
        if self.org == self.home:
            return self._passed(Cause.ORG_LOCK, "org lock", "the home org: the org lock does not apply")
        if account.orgLock is OrgLock.PRIMARY_ONLY:
            declared = self.declared
            return self._failed(
                Cause.ORG_LOCK,
                "org lock",
                f"{self.accounts_call}: {self.who} has orgLock PRIMARY_ONLY, so it may address only {show(self.home)}",
                _fix(
                    declared is not None and declared.orgLock == OrgLock.LINKED_ORGS.value,
                    "access.yaml declares orgLock: LINKED_ORGS",
                    f"set orgLock: LINKED_ORGS for {self.who}",
                ),
            )
        return self._passed(Cause.ORG_LOCK, "org lock", f"{self.accounts_call}: orgLock {account.orgLock.value}")

    def _role(self, account: OAuthClient) -> Check:
        try:
            granted = self.fleet.grants(self.org, account.id)
            declared_roles = self._declared_roles()
        except (Forbidden, NotFound) as exc:
            return self._cannot_read(Cause.ROLE, "role", exc)
        declared_permissions = {p for perms in declared_roles.values() for p in perms}
        # Deleting recordings is checked only where the declaration asks for it.
        needed = {self.view_permission} | ({self.delete_permission} & declared_permissions)
        held = {p for role in granted.values() for p in role.permissions}
        call = self.grants_call(account)
        if not needed - held:
            return self._passed(Cause.ROLE, "role", f"{call}: granted roles carry {_listed(needed)}")
        missing = sorted(needed - held)
        if granted:
            roles = "; ".join(f"{show(n)} {_listed(r.permissions)}" for n, r in sorted(granted.items()))
            evidence = f"{call}: granted {roles}; none carries {_listed(missing)}"
        else:
            evidence = f"{call}: no role is granted to {self.who}"
        cure = sorted(name for name, perms in declared_roles.items() if set(missing) & set(perms))
        return self._failed(
            Cause.ROLE,
            "role",
            evidence,
            _fix(
                not set(missing) - declared_permissions,
                f"access.yaml binds {_listed(cure)}: it creates or corrects the role(s) and grants them",
                f"bind a role with {_listed(missing)} to {self.who} in org {show(self.org)}",
            ),
        )

    def _declared_roles(self) -> dict[str, list[str]]:
        """The permissions each role bound in the declaration will carry once applied."""
        names = next((b.roles for b in self.decls.bindings_in(self.org) if b.serviceAccount == self.name), [])
        out: dict[str, list[str]] = {}
        for name in names:
            custom = self.decls.role(name)
            if custom is not None:
                out[name] = custom.permissions
            else:
                # A built-in role: its permissions are the platform's, read live.
                builtin = self.fleet.roles(self.org).get(name)
                out[name] = builtin.permissions if builtin else []
        return out

    def _license(self) -> Check:
        try:
            feature = self.fleet.licenses(self.org).get(ANALYTICS)
        except (Forbidden, NotFound) as exc:
            return self._cannot_read(Cause.LICENSE, "license", exc)
        call = f"GET {self.licenses_path} in {show(self.org)}"
        if feature is None:
            return self._failed(
                Cause.LICENSE,
                "license",
                f"{call}: the org has no {ANALYTICS} feature",
                (f"a contract change: org {show(self.org)} must buy {ANALYTICS}", Remedy.CONTRACT),
            )
        if feature.enabled:
            return self._passed(Cause.LICENSE, "license", f"{call}: {ANALYTICS} enabled")
        if not feature.selfService:
            return self._failed(
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
        return self._failed(
            Cause.LICENSE,
            "license",
            f"{call}: {ANALYTICS} disabled (selfService: true)",
            _fix(
                declared is not None and declared.licenses.get(ANALYTICS) is True,
                f"access.yaml switches {ANALYTICS} on",
                f"declare licenses: {{{ANALYTICS}: true}} for org {show(self.org)}",
            ),
        )

    def _addressable(self) -> Check:
        if self.org == self.home:
            return self._passed(Cause.ADDRESSABLE, "addressable", "the home org")
        home = self.fleet.organization(self.home)
        call = f"GET /api/v2/organizations/me in {show(self.home)}"
        if any(linked.id == self.org for linked in home.linkedOrganizations):
            return self._passed(Cause.ADDRESSABLE, "addressable", f"{call}: linked to the home org")
        return self._failed(
            Cause.ADDRESSABLE,
            "addressable",
            f"{call}: {show(self.org)} is neither the home org nor linked to it",
            (
                f"link org {show(self.org)} to {show(self.home)} on the platform (orgaccess does not manage links)",
                Remedy.PLATFORM,
            ),
        )

    def _header(self, probe: Probe) -> Check:
        if probe.status is Status.SKIP:
            return self._passed(Cause.HEADER, "header", f"every orgaccess call sends {ORG_HEADER}: {self.org}")
        return self._passed(Cause.HEADER, "header", f"the probe ran with {ORG_HEADER}: {self.org}")

    def _cannot_read(self, cause: str, title: str, exc: PlatformError) -> Check:
        who = show(self.admin())
        return self._failed(
            cause,
            title,
            str(exc),
            (f"grant the built-in admin role to {who} in org {show(self.org)}", Remedy.PLATFORM),
        )

    def _unreachable(self, cause: str, title: str) -> Check:
        return self._skipped(cause, title, "the org cannot be addressed (C5)")

    @staticmethod
    def _passed(cause: str, title: str, evidence: str) -> Check:
        return Check(cause=cause, title=title, status=Status.PASS, evidence=evidence)

    @staticmethod
    def _failed(cause: str, title: str, evidence: str, fix: tuple[str, Remedy]) -> Check:
        return Check(cause=cause, title=title, status=Status.FAIL, evidence=evidence, fix=fix[0], remedy=fix[1])

    @staticmethod
    def _skipped(cause: str, title: str, why: str) -> Check:
        return Check(cause=cause, title=title, status=Status.SKIP, evidence=f"not checked: {why}")


def _listed(items: Iterable[str]) -> str:
    return "[" + ", ".join(sorted(items)) + "]"


def diagnosis_class(fleet: Fleet) -> type[_Diagnosis]:
    """The checks for the fleet's platform."""
    if isinstance(fleet.client, GenesysClient):
        # Imported here: diagnose_genesys builds on this module.
        from orgaccess.reports.doctor_genesys import GenesysDiagnosis

        return GenesysDiagnosis
    return _Diagnosis
