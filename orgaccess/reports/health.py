"""The health of each org, for the drift page: its drift by what orgaccess checks, and the doctor's causes.

Each org gets one state per column: the four kinds orgaccess manages (account, roles, grants,
license), compared exactly as `orgaccess drift` compares them, and the doctor's causes C1-C6 of
the partner-org 403, checked for the accounts declared with `recording:view` (the others are not
meant to call the recordings API, so their 403 is no fault). No probe is made: the page reads
what the reconciler's own credentials can read. An org that cannot be read is *unreadable*
and the rest of the fleet is still reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial

from orgaccess.declarations.access_yaml import Declarations
from orgaccess.diagnosis.findings import Check, Finding, Remedy, Status
from orgaccess.diagnosis.probes import Probes
from orgaccess.dialects.base import Definition
from orgaccess.perorg import for_each_org
from orgaccess.plan.desired import Desired
from orgaccess.platform.errors import PlatformError
from orgaccess.reconciler.drift import Drift
from orgaccess.reconciler.kinds import in_reading_order, role_binding
from orgaccess.reconciler.kinds.base import KindError
from orgaccess.reconciler.snapshot import Fleet
from orgaccess.reports.doctor import diagnose_in
from orgaccess.reports.fleet_drift import objects_drift
from orgaccess.reports.reading import Reading
from orgaccess.vocabulary import Cause, Permission


class State(StrEnum):
    """Worst last: a row or a cell takes the worst state of what it covers."""

    NONE = "n/a"
    OK = "ok"
    DRIFT = "drift"
    NOT_FIXABLE = "not fixable"
    UNREADABLE = "unreadable"


SEVERITY = list(State)
CAUSES = tuple(Cause)
# Properties of the service account in the home org: the same finding in every org it is bound in.
ACCOUNT_CAUSES = (Cause.SCOPE, Cause.ORG_LOCK)


def kind_columns() -> dict[str, str]:
    """Each kind's own column (kinds/base.Kind.column), by kind name."""
    return {kind.name: kind.column for kind in in_reading_order()}


def columns() -> tuple[str, ...]:
    """The page's columns: one per kind, then the causes."""
    return (*kind_columns().values(), *CAUSES)


@dataclass(frozen=True)
class FailedCheck:
    """A cause the doctor found in this org, for one service account."""

    account: str
    check: Check


@dataclass(frozen=True)
class OrgHealth:
    org: str
    cells: dict[str, State]
    drift: list[Drift] = field(default_factory=list)
    failed: list[FailedCheck] = field(default_factory=list)
    # Why the org could not be read, when it could not.
    error: str | None = None

    @property
    def state(self) -> State:
        """The org's drift, as `orgaccess drift` judges it: the doctor's causes only explain it."""
        return worst(self.cells[column] for column in kind_columns().values())


def worst(states: Iterable[State]) -> State:
    return max(states, key=SEVERITY.index, default=State.NONE)


def exit_state(orgs: Iterable[OrgHealth]) -> State:
    """The fleet's state for the exit code: unreadable anywhere, else drift (fixable or not), else ok."""
    return worst(org.state for org in orgs)


def org_health(
    reading: Reading,
    dialect: Definition,
    decls: Declarations,
    by_org: dict[str, list[Desired]],
    *,
    done: Callable[[str], None] = lambda _org: None,
) -> list[OrgHealth]:
    """The health of each org of `by_org` (its declared objects), in its order, as `reading` reads it."""
    return list(reading.per_org(partial(_health_by_org, dialect, decls), by_org, done).values())


def _health_by_org(
    dialect: Definition,
    decls: Declarations,
    fleet: Fleet,
    by_org: dict[str, list[Desired]],
    done: Callable[[str], None],
) -> dict[str, OrgHealth]:
    recording_apps = [a.name for a in decls.serviceAccounts if Permission.RECORDING_VIEW in a.scopes]
    # No app secrets: every probe is skipped and makes no call.
    with Probes() as no_probes:

        def one(org: str) -> OrgHealth:
            objects = by_org[org]
            bound = {d.props["serviceAccount"] for d in objects if d.kind == role_binding.KIND.name}
            diagnosed = [a for a in recording_apps if a in bound]
            try:
                drift = objects_drift(fleet, objects)
                findings = diagnose_in(decls, fleet, dialect, no_probes, org, diagnosed)
            except (PlatformError, KindError) as exc:
                return _unreadable(org, objects, bool(diagnosed), str(exc))
            return _read(org, objects, drift, findings)

        return for_each_org(by_org, one, done=done)


def _read(org: str, objects: list[Desired], drift: list[Drift], findings: list[Finding]) -> OrgHealth:
    cells = {column: State.NONE for column in columns()}
    of_kind = kind_columns()
    for desired in objects:
        cells[of_kind[desired.kind]] = State.OK
    for d in drift:
        column = of_kind[d.kind]
        cells[column] = worst([cells[column], State.DRIFT if d.fixable else State.NOT_FIXABLE])
    failed: list[FailedCheck] = []
    for finding in findings:
        for check in finding.checks:
            cells[check.cause] = worst([cells[check.cause], _cause_state(check)])
            if check.status is Status.FAIL:
                failed.append(FailedCheck(finding.serviceAccount, check))
    return OrgHealth(org, cells, drift, failed)


def _unreadable(org: str, objects: list[Desired], diagnosed: bool, error: str) -> OrgHealth:
    cells = {column: State.NONE for column in columns()}
    cells.update(dict.fromkeys(CAUSES, State.UNREADABLE if diagnosed else State.NONE))
    of_kind = kind_columns()
    for d in objects:
        cells[of_kind[d.kind]] = State.UNREADABLE
    return OrgHealth(org, cells, error=error)


def _cause_state(check: Check) -> State:
    if check.status is Status.SKIP:
        return State.NONE
    if check.status is Status.PASS:
        return State.OK
    # Only a cure that access.yaml already declares is one `pulumi up` brings.
    return State.DRIFT if check.remedy is Remedy.PULUMI_UP else State.NOT_FIXABLE
