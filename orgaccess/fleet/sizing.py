"""How many org stacks a fleet has when `--stacks` is not given: the one it already has, else one
sized from its orgs and its dialect.

A stack costs a start-up (an engine, a program and a provider process) plus a part that grows
linearly with its orgs, as the fleet's runs skip the engine's checkpoints (fleet/runner.py): so a
fleet takes few, large stacks, as few as keep every job busy (docs/fleet.md, *Sizing*, from
`python -m bench.fleet_split`).

Changing the number moves orgs between stacks (docs/fleet.md), so a fleet whose stacks exist
keeps theirs: growing past the next size never re-splits it behind the operator's back.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from orgaccess.engine.statestore import StoreError, open_store

ORGS_PER_STACK = 150
# Two rounds of the default 4 jobs: at 5,000 seed orgs on 2 cores, 8 stacks previewed in 57.8 s, 17
# in 74.1 s and 34 in 97.2 s, and brought up in 123.6, 152.2 and 176.4 s (docs/fleet.md, *Sizing*).
MAX_STACKS = 8
# Beyond this many orgs a stack, one stack's engine and provider outgrow what was measured.
MAX_ORGS_PER_STACK = 1250
_ORG_STACK = re.compile(r"/orgs-\d+-of-(\d+)\.json(?:\.zst|\.gz)?$")


@dataclass(frozen=True)
class Split:
    stacks: int
    why: str


class SplitError(ValueError):
    """The backend holds org stacks of several splits: the operator must say which one to run."""


def sized(orgs: int) -> int:
    """The number of org stacks for `orgs` orgs, from the measured curves."""
    stacks = max(1, math.ceil(orgs / ORGS_PER_STACK))
    return max(min(stacks, MAX_STACKS), math.ceil(orgs / MAX_ORGS_PER_STACK))


def choose(orgs: int, backend_url: str | None) -> Split:
    """The split of an existing fleet on `backend_url`, else one sized for `orgs`."""
    existing = existing_splits(backend_url) if backend_url else set()
    if len(existing) > 1:
        found = ", ".join(str(n) for n in sorted(existing))
        raise SplitError(
            f"the backend holds org stacks of fleets of {found} stacks; pass --stacks with the one to run "
            "(moving orgs between splits: docs/fleet.md)"
        )
    if existing:
        (stacks,) = existing
        return Split(stacks, f"the fleet's {stacks} org stacks on the backend")
    stacks = sized(orgs)
    return Split(stacks, f"{stacks} org stacks of about {math.ceil(orgs / stacks)} orgs, sized for {orgs} orgs")


def existing_splits(backend_url: str) -> set[int]:
    """The `n` of every `orgs-<i>-of-<n>` stack the backend holds; none when it cannot be read."""
    try:
        keys = open_store(backend_url).keys(".pulumi/stacks/")
    except (StoreError, OSError):
        # Another backend (or none yet): the engine itself says what is wrong when it runs.
        return set()
    return {int(match[1]) for key in keys if (match := _ORG_STACK.search(key))}
