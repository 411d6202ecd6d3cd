"""Why a service account gets 403 from the screen-recordings API in an org: causes C1 to C7.

For each declared binding (a service account in an org), the live state is read through the
reconciler's own snapshot (`Fleet`), each cause of docs/causes.md is checked in turn with
the call that answered as evidence and the fix, and then the data plane is probed as the
service account itself. A fix that is applied but not yet visible to the data plane (the
platform's propagation delay) is told apart from one that is missing.

The checks are the dialect's (orgaccess.dialects, on the shared ones of orgaccess.diagnosis);
this module runs them over the declared bindings.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from orgaccess.declarations.access_yaml import Declarations
from orgaccess.diagnosis.findings import Finding, Verdict, verdict
from orgaccess.diagnosis.probes import Probes
from orgaccess.dialects.base import Definition
from orgaccess.perorg import for_each_org
from orgaccess.reconciler.kinds import service_account
from orgaccess.reconciler.snapshot import Fleet

POLL_SECONDS = 2.0


def diagnose(
    decls: Declarations,
    fleet: Fleet,
    dialect: Definition,
    probes: Probes,
    *,
    accounts: set[str] | None = None,
    done: Callable[[str], None] = lambda _org: None,
) -> list[Finding]:
    """A finding per declared binding (of `accounts` when given), by org in file order."""
    bound = bindings_to_diagnose(decls, accounts)
    per_org = for_each_org(bound, lambda org: diagnose_in(decls, fleet, dialect, probes, org, bound[org]), done=done)
    return [finding for findings in per_org.values() for finding in findings]


def diagnose_in(
    decls: Declarations, fleet: Fleet, dialect: Definition, probes: Probes, org: str, names: Iterable[str]
) -> list[Finding]:
    """A finding per service account of `names` (bound in `org`), in their order."""
    return [dialect.diagnosis(decls, fleet, org, name).run(probes) for name in names]


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
    dialect: Definition,
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
            account = service_account.accounts(fleet, dialect.account_home(decls.homeOrg, f.org))[f.serviceAccount]
            probe = probes.run(f.org, f.serviceAccount, account)
            findings[i] = f.model_copy(update={"probe": probe, "verdict": verdict(f.checks, probe)})
