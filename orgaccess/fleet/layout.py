"""The stacks of a fleet: n for the orgs, named for their shard, and, where every account lives in
the home org, one for the service accounts before them (deploy/shard.accounts_stack)."""

from __future__ import annotations

from dataclasses import dataclass

from orgaccess.declarations.access_yaml import Declarations, fleet_org_ids
from orgaccess.deploy.shard import ACCOUNTS, fleet_shards, parse_shard
from orgaccess.plan.desired import Desired, plan
from orgaccess.platform.dialect import Dialect
from orgaccess.reports.fleet_drift import objects_by_org

ACCOUNTS_STACK = ACCOUNTS


@dataclass(frozen=True)
class StackSpec:
    name: str
    # The value of stack config `orgaccess:shard`.
    shard: str
    orgs: tuple[str, ...]

    @property
    def is_accounts(self) -> bool:
        return self.shard == ACCOUNTS


def fleet_stacks(decls: Declarations, org_stacks: int, dialect: Dialect) -> list[StackSpec]:
    """The accounts stack first, where the dialect has one, then the org stacks `orgs-<i>-of-<n>` in order."""
    if org_stacks < 1:
        raise ValueError("a fleet needs at least one org stack")
    orgs = fleet_org_ids(decls)
    specs = []
    for shard in fleet_shards(dialect, org_stacks):
        if shard == ACCOUNTS:
            specs.append(StackSpec(ACCOUNTS_STACK, ACCOUNTS, ()))
            continue
        part = parse_shard(shard, dialect)
        held = tuple(org for org in orgs if part.holds_org(org))
        specs.append(StackSpec(f"orgs-{part.part}-of-{org_stacks}", shard, held))
    return specs


def select_stacks(specs: list[StackSpec], names: list[str]) -> list[StackSpec]:
    """The stacks named, in fleet order (every stack when `names` is empty)."""
    unknown = sorted(set(names) - {spec.name for spec in specs})
    if unknown:
        known = ", ".join(spec.name for spec in specs)
        # Only a fleet whose accounts live per org lacks it: they are in their orgs' stacks.
        where = "; each org's accounts are in its org stack" if unknown[0] == ACCOUNTS_STACK else ""
        raise ValueError(f"no stack {unknown[0]!r} in this fleet; its stacks are {known}{where}")
    return [spec for spec in specs if not names or spec.name in names]


def stack_objects(decls: Declarations, specs: list[StackSpec], dialect: Dialect) -> dict[str, list[Desired]]:
    """What `specs` manage, by org: the accounts stack's accounts in the home org, each org stack's
    orgs (with, where accounts live per org, the accounts living in them)."""
    held = {org for spec in specs for org in spec.orgs}
    if any(spec.is_accounts for spec in specs):
        held.add(decls.homeOrg)
    planned = plan(decls, dialect)
    objects = [d for spec in specs for d in parse_shard(spec.shard, dialect).select(planned)]
    held |= {d.org for d in objects}
    return objects_by_org([org for org in fleet_org_ids(decls) if org in held], objects)
