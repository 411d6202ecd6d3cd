"""The stacks of a fleet: one for the service accounts, n for the orgs, named for their shard."""

from __future__ import annotations

from dataclasses import dataclass

from orgaccess.declarations import Declarations, fleet_org_ids
from orgaccess.fleet.shard import ACCOUNTS, parse_shard

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


def fleet_stacks(decls: Declarations, org_stacks: int) -> list[StackSpec]:
    """The accounts stack first, then the org stacks `orgs-<i>-of-<n>` in order."""
    if org_stacks < 1:
        raise ValueError("a fleet needs at least one org stack")
    orgs = fleet_org_ids(decls)
    specs = [StackSpec(ACCOUNTS_STACK, ACCOUNTS, ())]
    for part in range(org_stacks):
        shard = f"orgs:{part}/{org_stacks}"
        held = tuple(org for org in orgs if parse_shard(shard).holds_org(org))
        specs.append(StackSpec(f"orgs-{part}-of-{org_stacks}", shard, held))
    return specs
