"""Drift of a whole fleet: every planned object observed by the same code the providers use.

`orgaccess drift` is a report of what `pulumi preview` would change, without Pulumi
state: `plan()` gives the objects, `reconcile.drift_of` compares each one, so the two
can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable

from orgaccess.declarations import Declarations, fleet_org_ids
from orgaccess.desired import Desired, plan
from orgaccess.drift import Drift
from orgaccess.kinds import KINDS
from orgaccess.perorg import for_each_org
from orgaccess.reconcile import drift_of


def fleet_drift(decls: Declarations, *, done: Callable[[str], None] = lambda _org: None) -> list[Drift]:
    """Every drifted field of every declared object, by org in file order, then in plan order.

    Uses the process's session (`orgaccess.session.configure` first); `done(org)` is called
    as each org is finished, for progress.
    """
    by_org: dict[str, list[Desired]] = {org: [] for org in fleet_org_ids(decls)}
    for desired in plan(decls):
        by_org[desired.org].append(desired)

    def org_drift(org: str) -> list[Drift]:
        return [found for d in by_org[org] for found in drift_of(KINDS[d.kind], d.props)]

    per_org = for_each_org(by_org, org_drift, done=done)
    return [found for drifts in per_org.values() for found in drifts]
