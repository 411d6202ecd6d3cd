"""The doctor's checks on genesys-cloud: which of C1-C6 exist there, how C3-C5 read, and C7.

A Genesys client acts in its own org only, so the account checked in an org is that org's own
client of the declared name. C1 (scopes) and C2 (org lock) and C6 (the org header) do not exist
there and are reported as such; the grant type still decides whether the client gets a token.
C7 exists there only: the role is granted in divisions that do not hold the recordings.
"""

from __future__ import annotations

from orgaccess.declarations.access_yaml import Declarations
from orgaccess.declarations.yamlsource import show
from orgaccess.platform.errors import Forbidden, NotFound
from orgaccess.platform.genesys.client import GenesysClient
from orgaccess.platform.genesys.permissions import RECORDING_DELETE, RECORDING_VIEW
from orgaccess.platform.models import ALL_DIVISIONS, GrantType, OAuthClient
from orgaccess.reconciler.snapshot import Fleet
from orgaccess.reports.doctor import Check, Finding, Probe, Probes, Remedy, Status, _Diagnosis, _fix, _listed, _verdict
from orgaccess.vocabulary import Cause

ABSENT = "does not exist on genesys-cloud"


class GenesysDiagnosis(_Diagnosis):
    view_permission = RECORDING_VIEW
    delete_permission = RECORDING_DELETE
    licenses_path = "/api/v2/license/toggles/analytics"

    @staticmethod
    def account_org(decls: Declarations, org: str) -> str:
        return org

    def __init__(self, decls: Declarations, fleet: Fleet, org: str, name: str) -> None:
        super().__init__(decls, fleet, org, name)
        self.home = org
        self.accounts_call = f"GET /api/v2/oauth/clients in {show(org)}"

    def grants_call(self, account: OAuthClient) -> str:
        return f"GET /api/v2/authorization/subjects/{account.id} in {show(self.org)}"

    def admin(self) -> str:
        client = self.fleet.client
        assert isinstance(client, GenesysClient)
        return client.admin_client_id(self.org)

    def run(self, probes: Probes) -> Finding:
        account = self.fleet.accounts(self.org).get(self.name)
        c1 = self._grant_type(account)
        c2 = self._absent(
            Cause.ORG_LOCK, "org lock", "a client acts in its own org only, so there is nothing to unlock"
        )
        c3 = (
            self._role(account)
            if account is not None
            else self._skipped(Cause.ROLE, "role", "the client does not exist")
        )
        c4 = self._license()
        c5 = self._client_in_org(account)
        checks = [c1, c2, c3, c4, c5]
        checks.append(
            self._division(account)
            if account is not None
            else self._skipped(Cause.DIVISION, "division", "the client does not exist")
        )
        probe = (
            probes.run(self.org, self.name, account)
            if account is not None
            else Probe(status=Status.SKIP, evidence=f"not probed: org {show(self.org)} has no {self.who}")
        )
        checks.append(self._absent(Cause.HEADER, "header", "there is no org header: a token acts in its own org"))
        return Finding(
            org=self.org, serviceAccount=self.name, verdict=_verdict(checks, probe), checks=checks, probe=probe
        )

    def _grant_type(self, account: OAuthClient | None) -> Check:
        # Scopes do not limit a client-credentials token here; what remains of C1 is the grant type.
        if account is None or account.authorizedGrantType is GrantType.CLIENT_CREDENTIALS:
            why = "scopes do not limit a client-credentials token, its roles do"
            return self._absent(Cause.SCOPE, "scope", why)
        return self._scope(account)

    def _division(self, account: OAuthClient) -> Check:
        """C7: the roles carrying the permission reach every division holding queues, whose
        conversations (and so their recordings) belong to that division."""
        try:
            grants = self.fleet.grant_pairs(self.org, account.id)
            queued = sorted(d.name for d in self.fleet.divisions(self.org).values() if d.queues)
        except (Forbidden, NotFound) as exc:
            return self._cannot_read(Cause.DIVISION, "division", exc)
        reach = sorted({g.division.name for g in grants if self.view_permission in g.role.permissions})
        call = f"{self.grants_call(account)} and GET /api/v2/authorization/divisions?objectCount=true"
        if not reach:
            return self._skipped(Cause.DIVISION, "division", f"no role carries {self.view_permission} (C3)")
        if ALL_DIVISIONS in reach:
            return self._passed(Cause.DIVISION, "division", f"{call}: the role is granted in every division ('*')")
        unreached = [d for d in queued if d not in reach]
        if not unreached:
            return self._passed(
                Cause.DIVISION,
                "division",
                f"{call}: the role reaches divisions {_listed(reach)}, every one with queues",
            )
        binding = next((b for b in self.decls.bindings_in(self.org) if b.serviceAccount == self.name), None)
        declared = set(binding.divisions or []) if binding is not None else set()
        return self._failed(
            Cause.DIVISION,
            "division",
            f"{call}: the role reaches divisions {_listed(reach)}; the recordings are in {_listed(queued)} "
            "(the divisions holding queues, whose conversations they record)",
            _fix(
                ALL_DIVISIONS in declared or set(unreached) <= declared,
                f"access.yaml grants the role in divisions {_listed(declared)}",
                f"add divisions: ['*'] (or {_listed(unreached)}) to the binding of {self.who}",
            ),
        )

    def _client_in_org(self, account: OAuthClient | None) -> Check:
        if account is not None:
            return self._passed(
                Cause.ADDRESSABLE, "client", f"{self.accounts_call}: {self.who} is client {show(account.id)}"
            )
        return self._failed(
            Cause.ADDRESSABLE,
            "client",
            f"{self.accounts_call}: no {self.who}, so the app has nothing to log in with in this org",
            _fix(
                self.declared is not None,
                f"access.yaml binds {self.who} here: it is created, its secret a stack output",
                f"declare and bind {self.who} in org {show(self.org)}",
            ),
        )

    def _license(self) -> Check:
        # Genesys does not say whether a toggle is contract-managed: only a refused switch tells.
        check = super()._license()
        if check.status is not Status.FAIL or check.remedy is Remedy.CONTRACT:
            return check
        fix = check.fix + "; if Genesys refuses the switch, it needs a contract change"
        evidence = check.evidence.replace(" (selfService: true)", "")
        return check.model_copy(update={"evidence": evidence, "fix": fix})

    @staticmethod
    def _absent(cause: str, title: str, why: str) -> Check:
        return Check(cause=cause, title=title, status=Status.SKIP, evidence=f"{ABSENT}: {why}", remedy=Remedy.NONE)
