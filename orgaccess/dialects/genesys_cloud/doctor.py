"""The doctor's checks on genesys-cloud: which of C1-C6 exist there, how C3-C5 read, and C7.

A Genesys client acts in its own org only, so the account checked in an org is that org's own
client of the declared name. C1 (scopes) and C2 (org lock) and C6 (the org header) do not exist
there and are reported as such; the grant type still decides whether the client gets a token.
C7 exists there only: the role is granted in divisions that do not hold the recordings.
"""

from __future__ import annotations

from orgaccess.declarations.yamlsource import show
from orgaccess.diagnosis.checks import Diagnosis
from orgaccess.diagnosis.findings import Check, Probe, Remedy, Status, failed, fix, listed, passed, skipped
from orgaccess.platform.errors import Forbidden, NotFound
from orgaccess.platform.genesys.permissions import RECORDING_DELETE, RECORDING_VIEW
from orgaccess.platform.models import ALL_DIVISIONS, GrantType, OAuthClient
from orgaccess.reconciler.kinds.grants import divisions, grant_pairs
from orgaccess.vocabulary import Cause

ABSENT = "does not exist on genesys-cloud"
NO_CLIENT = "the client does not exist"


def absent(cause: str, title: str, why: str) -> Check:
    return Check(cause=cause, title=title, status=Status.SKIP, evidence=f"{ABSENT}: {why}", remedy=Remedy.NONE)


class GenesysDiagnosis(Diagnosis):
    view_permission = RECORDING_VIEW
    delete_permission = RECORDING_DELETE
    licenses_path = "/api/v2/license/toggles/analytics"

    def grants_call(self, account: OAuthClient) -> str:
        # The client's `roleDivisions` in the org's client listing, its roles named from the org's roles.
        return f"GET /api/v2/oauth/clients ({show(account.name)}'s roleDivisions) in {show(self.org)}"

    def checks(self, account: OAuthClient | None) -> list[Check]:
        c2 = absent(Cause.ORG_LOCK, "org lock", "a client acts in its own org only, so there is nothing to unlock")
        if account is None:
            c3, c7 = skipped(Cause.ROLE, "role", NO_CLIENT), skipped(Cause.DIVISION, "division", NO_CLIENT)
        else:
            c3, c7 = self.role(account), self._division(account)
        return [self._grant_type(account), c2, c3, self.license(), self._client_in_org(account), c7]

    def after_probe(self, probe: Probe) -> list[Check]:
        return [absent(Cause.HEADER, "header", "there is no org header: a token acts in its own org")]

    def _grant_type(self, account: OAuthClient | None) -> Check:
        # Scopes do not limit a client-credentials token here; what remains of C1 is the grant type.
        if account is None or account.authorizedGrantType is GrantType.CLIENT_CREDENTIALS:
            return absent(Cause.SCOPE, "scope", "scopes do not limit a client-credentials token, its roles do")
        return self.scope(account)

    def _division(self, account: OAuthClient) -> Check:
        """C7: the roles carrying the permission reach every division holding queues, whose
        conversations (and so their recordings) belong to that division."""
        try:
            reach, queued = self._reach(account), self._queued()
        except (Forbidden, NotFound) as exc:
            return self.cannot_read(Cause.DIVISION, "division", exc)
        call = f"{self.grants_call(account)} and GET /api/v2/authorization/divisions?objectCount=true"
        unreached = sorted(set(queued) - set(reach))
        if not reach or ALL_DIVISIONS in reach or not unreached:
            return self._division_reached(call, reach)
        return failed(
            Cause.DIVISION,
            "division",
            f"{call}: the role reaches divisions {listed(reach)}; the recordings are in {listed(queued)} "
            "(the divisions holding queues, whose conversations they record)",
            self._division_fix(unreached),
        )

    def _reach(self, account: OAuthClient) -> list[str]:
        """The divisions `account` holds the view permission in."""
        grants = grant_pairs(self.fleet, self.org, account)
        return sorted({g.division.name for g in grants if self.view_permission in g.role.permissions})

    def _queued(self) -> list[str]:
        """The divisions holding queues: those whose conversations are recorded."""
        return sorted(d.name for d in divisions(self.fleet, self.org).values() if d.queues)

    def _division_reached(self, call: str, reach: list[str]) -> Check:
        """C7 when no division holding recordings is out of reach (or no role carries the permission)."""
        if not reach:
            return skipped(Cause.DIVISION, "division", f"no role carries {self.view_permission} (C3)")
        if ALL_DIVISIONS in reach:
            return passed(Cause.DIVISION, "division", f"{call}: the role is granted in every division ('*')")
        return passed(
            Cause.DIVISION, "division", f"{call}: the role reaches divisions {listed(reach)}, every one with queues"
        )

    def _division_fix(self, unreached: list[str]) -> tuple[str, Remedy]:
        binding = next((b for b in self.decls.bindings_in(self.org) if b.serviceAccount == self.name), None)
        declared = set(binding.divisions or []) if binding is not None else set()
        return fix(
            ALL_DIVISIONS in declared or set(unreached) <= declared,
            f"access.yaml grants the role in divisions {listed(declared)}",
            f"add divisions: ['*'] (or {listed(unreached)}) to the binding of {self.who}",
        )

    def _client_in_org(self, account: OAuthClient | None) -> Check:
        if account is not None:
            return passed(Cause.ADDRESSABLE, "client", f"{self.accounts_call}: {self.who} is client {show(account.id)}")
        return failed(
            Cause.ADDRESSABLE,
            "client",
            f"{self.accounts_call}: no {self.who}, so the app has nothing to log in with in this org",
            fix(
                self.declared is not None,
                f"access.yaml binds {self.who} here: it is created, its secret a stack output",
                f"declare and bind {self.who} in org {show(self.org)}",
            ),
        )

    def license(self) -> Check:
        # Genesys does not say whether a toggle is contract-managed: only a refused switch tells.
        check = super().license()
        if check.status is not Status.FAIL or check.remedy is Remedy.CONTRACT:
            return check
        cure = check.fix + "; if Genesys refuses the switch, it needs a contract change"
        evidence = check.evidence.replace(" (selfService: true)", "")
        return check.model_copy(update={"evidence": evidence, "fix": cure})
