"""Which part of the declarations one stack manages: stack config `orgaccess:shard`.

- unset: everything, as a single stack always did;
- `accounts`: the service accounts in the home org, and nothing else;
- `orgs:<i>/<n>`: roles, licenses and bindings of the orgs whose id hashes to part i of n.

Orgs are placed by a hash of their id, not by their position in the file: adding or removing an
org never moves another one to a different stack, which would make one stack delete (revoke)
what another creates. The accounts are in one stack only, so no account is managed twice; the
bindings in the org stacks find their account by name in the home org, as they always have.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, replace

from orgaccess.declarations.access_yaml import Declarations
from orgaccess.plan.desired import Desired
from orgaccess.platform.settings import SettingsError
from orgaccess.reconciler.kinds import KINDS, is_part

ACCOUNTS = "accounts"
_ORGS = re.compile(r"orgs:(\d+)/(\d+)")


class ShardError(SettingsError):
    """`orgaccess:shard` is malformed; the message shows the accepted forms."""


@dataclass(frozen=True)
class Shard:
    accounts: bool
    part: int = 0
    # 0: no orgs at all (the accounts stack); 1: every org (the un-sharded stack).
    parts: int = 1

    def holds_org(self, org_id: str) -> bool:
        return self.parts > 0 and part_of(org_id, self.parts) == self.part

    def narrow(self, decls: Declarations) -> Declarations:
        """The declarations this shard plans: an org stack's own orgs only. Planning every org of a
        5,000-org file to keep 150 cost each stack of a fleet 0.25 s of CPU; the accounts stack
        plans the accounts of every org, so it keeps them all."""
        return decls if self.accounts else decls.with_orgs(self.holds_org)

    def select(self, desired: list[Desired]) -> list[Desired]:
        """The objects of this shard, their dependencies on objects of other shards dropped.

        The objects that are resources of their own (the service accounts) are the accounts stack's.
        A dropped dependency is on a service account, which the accounts stack creates first.
        """
        mine = [d for d in desired if (self.holds_org(d.org) if is_part(KINDS[d.kind]) else self.accounts)]
        keys = {d.key for d in mine}
        return [replace(d, depends_on=tuple(k for k in d.depends_on if k in keys)) for d in mine]


WHOLE = Shard(accounts=True)


def part_of(org_id: str, parts: int) -> int:
    """The part an org belongs to: stable across runs, machines and Python versions."""
    return zlib.crc32(org_id.encode("utf-8")) % parts


def parse_shard(value: str | None) -> Shard:
    """The shard named by stack config `orgaccess:shard` (None or empty: the whole declarations)."""
    if not value:
        return WHOLE
    if value == ACCOUNTS:
        return Shard(accounts=True, parts=0)
    match = _ORGS.fullmatch(value)
    if match and int(match[1]) < int(match[2]):
        return Shard(accounts=False, part=int(match[1]), parts=int(match[2]))
    raise ShardError(
        f"orgaccess:shard {value!r} is not a shard; set it to 'accounts' or 'orgs:<i>/<n>' with 0 <= i < n "
        "(or unset it to manage everything in one stack)"
    )
