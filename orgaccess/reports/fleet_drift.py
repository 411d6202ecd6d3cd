"""Drift of a whole fleet: every planned object observed by the same code the providers use.

`orgaccess drift` is a report of what `pulumi preview` would change, without Pulumi
state: `plan()` gives the objects, `reconcile.drift_of` compares each one, so the two
can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from orgaccess.declarations.access_yaml import Declarations, fleet_org_ids
from orgaccess.perorg import for_each_org
from orgaccess.plan.desired import Desired, plan
from orgaccess.platform.dialect import Dialect
from orgaccess.reconciler.drift import Drift
from orgaccess.reconciler.kinds import KINDS
from orgaccess.reconciler.reconcile import drift_of
from orgaccess.reconciler.snapshot import Fleet
from orgaccess.reports.reading import Reading


def fleet_drift(
    reading: Reading, dialect: Dialect, decls: Declarations, *, done: Callable[[str], None] = lambda _org: None
) -> list[Drift]:
    """Every drifted field of every declared object, by org in file order, then in plan order, as
    `reading` reads them; `done(org)` is called as each org is finished, for progress."""
    by_org = objects_by_org(fleet_org_ids(decls), plan(decls, dialect))
    per_org = reading.per_org(_drift_by_org, by_org, done)
    return [found for drifts in per_org.values() for found in drifts]


def _drift_by_org(
    fleet: Fleet, by_org: dict[str, list[Desired]], done: Callable[[str], None]
) -> dict[str, list[Drift]]:
    return for_each_org(by_org, lambda org: objects_drift(fleet, by_org[org]), done=done)


def objects_by_org(orgs: Iterable[str], objects: Iterable[Desired]) -> dict[str, list[Desired]]:
    """`objects` by org, for each of `orgs` in their order (an org may hold none); others dropped."""
    by_org: dict[str, list[Desired]] = {org: [] for org in orgs}
    for desired in objects:
        if desired.org in by_org:
            by_org[desired.org].append(desired)
    return by_org


def objects_drift(fleet: Fleet, objects: Iterable[Desired]) -> list[Drift]:
    """Every drifted field of `objects`, in their order."""
    return [found for d in objects for found in drift_of(fleet, KINDS[d.kind], d.props)]
