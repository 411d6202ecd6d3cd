"""The doctor's checks on genesys-cloud: which of C1-C6 exist there, and how C3-C5 read.

A Genesys client acts in its own org only, so the account checked in an org is that org's own
client of the declared name. C1 (scopes) and C2 (org lock) and C6 (the org header) do not exist
there and are reported as such; the grant type still decides whether the client gets a token.
"""

from __future__ import annotations

from orgaccess.declarations import Declarations
from orgaccess.diagnose import Check, Finding, Probe, Probes, Remedy, Status, _Diagnosis, _fix, _verdict
from orgaccess.platform.genesys.client import GenesysClient
from orgaccess.platform.genesys.permissions import RECORDING_DELETE, RECORDING_VIEW
from orgaccess.platform.models import GrantType, OAuthClient
from orgaccess.snapshot import Fleet
from orgaccess.vocabulary import Cause
from orgaccess.yamlsource import show

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
