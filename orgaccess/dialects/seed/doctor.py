"""The doctor's checks on the seed platform: causes C1 to C6 of docs/causes.md."""

from __future__ import annotations

from orgaccess.declarations.yamlsource import show
from orgaccess.diagnosis.checks import Diagnosis
from orgaccess.diagnosis.findings import Check, Probe, Remedy, Status, failed, fix, passed, skipped
from orgaccess.dialects.seed.reach import reachable
from orgaccess.platform.models import ORG_HEADER, OAuthClient, OrgLock
from orgaccess.vocabulary import Cause, Permission

ABSENT = "the account does not exist"


class SeedDiagnosis(Diagnosis):
    view_permission = Permission.RECORDING_VIEW
    delete_permission = Permission.SCREEN_RECORDING_ADMIN
    licenses_path = "/api/v2/license/features"

    def grants_call(self, account: OAuthClient) -> str:
        return f"GET /api/v2/security/subjects/{account.id}/roles in {show(self.org)}"

    def checks(self, account: OAuthClient | None) -> list[Check]:
        c5 = self._addressable()
        reached = c5.status is Status.PASS
        if account is None:
            c1 = failed(
                Cause.SCOPE,
                "scope",
                f"{self.accounts_call}: no {self.who}",
                fix(self.declared is not None, "access.yaml declares it: it is created", f"declare {self.who}"),
            )
            c2, c3 = skipped(Cause.ORG_LOCK, "org lock", ABSENT), skipped(Cause.ROLE, "role", ABSENT)
        else:
            c1, c2 = self.scope(account), self._org_lock(account)
            c3 = self.role(account) if reached else self.unreachable(Cause.ROLE, "role")
        c4 = self.license() if reached else self.unreachable(Cause.LICENSE, "license")
        return [c1, c2, c3, c4, c5]

    def probed(self, checks: list[Check], account: OAuthClient | None) -> bool:
        # C5 last: the app cannot address an org orgaccess cannot.
        return account is not None and checks[-1].status is Status.PASS

    def not_probed(self) -> str:
        return "not probed: the account is missing or the org unreachable"

    def after_probe(self, probe: Probe) -> list[Check]:
        """C6: the org header; orgaccess's own calls and the probe always send it."""
        if probe.status is Status.SKIP:
            return [passed(Cause.HEADER, "header", f"every orgaccess call sends {ORG_HEADER}: {self.org}")]
        return [passed(Cause.HEADER, "header", f"the probe ran with {ORG_HEADER}: {self.org}")]

    def _org_lock(self, account: OAuthClient) -> Check:
        if self.org == self.home:
            return passed(Cause.ORG_LOCK, "org lock", "the home org: the org lock does not apply")
        if account.orgLock is not OrgLock.PRIMARY_ONLY:
            return passed(Cause.ORG_LOCK, "org lock", f"{self.accounts_call}: orgLock {account.orgLock.value}")
        declared = self.declared
        return failed(
            Cause.ORG_LOCK,
            "org lock",
            f"{self.accounts_call}: {self.who} has orgLock PRIMARY_ONLY, so it may address only {show(self.home)}",
            fix(
                declared is not None and declared.orgLock == OrgLock.LINKED_ORGS.value,
                "access.yaml declares orgLock: LINKED_ORGS",
                f"set orgLock: LINKED_ORGS for {self.who}",
            ),
        )

    def _addressable(self) -> Check:
        if self.org == self.home:
            return passed(Cause.ADDRESSABLE, "addressable", "the home org")
        call = f"GET /api/v2/organizations/me in {show(self.home)}"
        if self.org in reachable(self.fleet, self.home):
            return passed(Cause.ADDRESSABLE, "addressable", f"{call}: linked to the home org")
        return failed(
            Cause.ADDRESSABLE,
            "addressable",
            f"{call}: {show(self.org)} is neither the home org nor linked to it",
            (
                f"link org {show(self.org)} to {show(self.home)} on the platform (orgaccess does not manage links)",
                Remedy.PLATFORM,
            ),
        )
