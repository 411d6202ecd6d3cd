"""Which part of the declarations one stack manages: stack config `orgaccess:shard`.

- unset: everything, as a single stack always did;
- `accounts`: the service accounts in the home org, and nothing else (only on a dialect whose
  accounts live in the home org: `accounts_stack`);
- `orgs:<i>/<n>`: roles, licenses and bindings of the orgs whose id hashes to part i of n, and,
  where accounts live per org, the accounts living in those orgs.

Orgs are placed by a hash of their id, not by their position in the file: adding or removing an
org never moves another one to a different stack, which would make one stack delete (revoke)
what another creates. Each account is in one stack only, so no account is managed twice.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, replace

from orgaccess.declarations.access_yaml import Declarations
from orgaccess.plan.desired import Desired
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.settings import SettingsError
from orgaccess.reconciler.kinds import KINDS, is_part
from orgaccess.reconciler.kinds.base import Composite, Kind

ACCOUNTS = "accounts"
_ORGS = re.compile(r"orgs:(\d+)/(\d+)")


class ShardError(SettingsError):
    """`orgaccess:shard` is malformed; the message shows the accepted forms."""


@dataclass(frozen=True)
class Shard:
    # Holds the accounts that live in the home org, where accounts do not live per org.
    accounts: bool
    part: int = 0
    # 0: no orgs at all (the accounts stack); 1: every org (the un-sharded stack).
    parts: int = 1
    # Where accounts live per org (Dialect.accounts_per_org), an account belongs to the stack of its org.
    accounts_by_org: bool = False

    def holds_org(self, org_id: str) -> bool:
        return self.parts > 0 and part_of(org_id, self.parts) == self.part

    def narrow(self, decls: Declarations) -> Declarations:
        """The declarations this shard plans: an org stack's own orgs only. Planning every org of a
        5,000-org file to keep 150 cost each stack of a fleet 0.25 s of CPU; the accounts stack
        plans the accounts of every org, so it keeps them all."""
        return decls if self.accounts else decls.with_orgs(self.holds_org)

    def _by_org(self, kind: Kind | Composite) -> bool:
        """Whether `kind`'s objects go to the stack of the org they are in (else to the accounts stack)."""
        return is_part(kind) or self.accounts_by_org

    def holds(self, item: Desired) -> bool:
        """Whether `item` is this stack's: an org's object is its org's stack's; an account is the
        accounts stack's, or, where accounts live per org, the stack's of the org it lives in."""
        return self.holds_org(item.org) if self._by_org(KINDS[item.kind]) else self.accounts

    def select(self, desired: list[Desired]) -> list[Desired]:
        """The objects of this shard, their dependencies on objects of other shards dropped.

        A dropped dependency is on a service account of the accounts stack, which runs first; where
        accounts live per org, a binding's account is in the binding's own stack, and the engine
        orders the two within it.
        """
        mine = [d for d in desired if self.holds(d)]
        keys = {d.key for d in mine}
        return [replace(d, depends_on=tuple(k for k in d.depends_on if k in keys)) for d in mine]


WHOLE = Shard(accounts=True)


def accounts_stack(dialect: Dialect) -> bool:
    """Whether a fleet on `dialect` has an accounts stack, run before its org stacks.

    Where every account lives in the home org, every org stack's bindings look the same accounts
    up, so they are managed once, first. Where an account lives in each org that binds it, each
    org's clients are that org's: in the org's own stack, an accounts stack would hold every org's
    (10,000 at 5,000 orgs) and log in to every org.
    """
    return not dialect.accounts_per_org


def fleet_shards(dialect: Dialect, parts: int) -> list[str]:
    """The `orgaccess:shard` of each stack of a fleet of `parts` org stacks, in the order they run."""
    return [*([ACCOUNTS] if accounts_stack(dialect) else []), *(f"orgs:{i}/{parts}" for i in range(parts))]


def part_of(org_id: str, parts: int) -> int:
    """The part an org belongs to: stable across runs, machines and Python versions."""
    return zlib.crc32(org_id.encode("utf-8")) % parts


def parse_shard(value: str | None, dialect: Dialect) -> Shard:
    """The shard named by stack config `orgaccess:shard` (None or empty: the whole declarations)."""
    if not value:
        return WHOLE
    if value == ACCOUNTS:
        if not accounts_stack(dialect):
            # Run, such a stack would delete every account it still holds: refuse before any change.
            raise ShardError(
                f"orgaccess:shard 'accounts': on {dialect.name} each account lives in the org stack of the "
                "org it is a client of, and a fleet has no accounts stack; `orgaccess fleet up` moves the "
                "accounts of an older fleet there (docs/fleet.md, *Accounts per org*)"
            )
        return Shard(accounts=True, parts=0)
    match = _ORGS.fullmatch(value)
    if match and int(match[1]) < int(match[2]):
        return Shard(accounts=False, part=int(match[1]), parts=int(match[2]), accounts_by_org=dialect.accounts_per_org)
    raise ShardError(
        f"orgaccess:shard {value!r} is not a shard; set it to 'accounts' or 'orgs:<i>/<n>' with 0 <= i < n "
        "(or unset it to manage everything in one stack)"
    )
