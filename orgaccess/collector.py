"""Python's cyclic garbage collector around objects that are made once and kept whole.

A 5,000-org access.yaml is 65,000 objects as declarations and 120,000 more as its plan, kept as long
as the process runs, none of them garbage. Every collection that runs while they are made walks
those made so far again (0.3 s of the 1.6 s before `orgaccess drift` sends its first call), and so
does every collection in a process forked after them. The processes that read or reconcile a fleet
keep what they make until they end, too, and make little garbage in cycles.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Python collects every 700 allocations not yet freed; a process that keeps what it makes collects
# every this many. A 2,500-org reading process: 370 collections and 0.55 s inside them at 700, 33
# and 0.17 s here; a 625-org stack's program in a fleet preview: 755 collections and 0.8 s of CPU at 700.
SELDOM = 7000


def seldom() -> None:
    """This process collects seldom: it keeps what it makes until it ends."""
    gc.set_threshold(SELDOM)


@contextmanager
def paused() -> Iterator[None]:
    """The collector off while a structure that is kept whole is built; on again after, if it was on.

    What such a build throws away is freed by its reference count: nothing is left for a collection."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """What this process holds, out of every collection's reach while processes are forked from it:
    Python's recipe for a fork without exec (`gc.freeze`). Unfrozen after, for this process's own."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
