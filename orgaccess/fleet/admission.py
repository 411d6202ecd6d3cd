"""How many stacks of a fleet run at once: `jobs`, and while the machine sits idle, a few more.

A stack spends its time on the CPU (an engine, a program and a provider over hundreds of orgs) or
waiting: on the platform's answers and, at a rate limit that binds, on its buckets. `--jobs` sizes
the first for the cores. When every running stack waits on the platform's rate limit, the cores
idle while stacks that could run hold back: at 200 orgs and 6 requests a minute, 8 stacks 4 at a
time took 1.41x the run's floor and all 8 at once 1.18x (docs/fleet.md, *Rate limit*). So, as
`make --load-average` admits jobs by load, one more stack starts whenever the CPU was mostly idle
over the last poll, up to `Jobs.idle_extra` beyond `Jobs.at_once`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Generic, TypeVar

import psutil

T = TypeVar("T")
R = TypeVar("R")

IDLE_BELOW_PERCENT = 50.0
POLL_SECONDS = 2.0


@dataclass(frozen=True)
class Jobs:
    """How many stacks run at once: `at_once`, and up to `idle_extra` more while the machine sits idle."""

    at_once: int
    idle_extra: int = 0

    @property
    def first(self) -> int:
        """How many start at once, busy machine or not (at least one)."""
        return max(1, self.at_once)

    @property
    def most(self) -> int:
        return self.first + self.idle_extra


# `orgaccess fleet` without --jobs: 4 stacks at once on the 2-core machine measured, 4 more while idle.
DEFAULT = Jobs(4, 4)


def cpu_idle() -> bool:
    """Whether the machine's CPU was busy less than half the time since the last call."""
    return psutil.cpu_percent(interval=None) < IDLE_BELOW_PERCENT


def run_admitted(
    items: Sequence[T],
    one: Callable[[T], R],
    jobs: Jobs,
    *,
    idle: Callable[[], bool] = cpu_idle,
    poll: float = POLL_SECONDS,
) -> list[R]:
    """`one(item)` of every item, their results in the items' order: `jobs.first` at once, and one
    more after each poll that found the machine `idle()`, up to `jobs.most`."""
    idle()  # the first reading covers the time since an earlier caller's; this one starts the count
    with ThreadPoolExecutor(max_workers=jobs.most, thread_name_prefix="fleet") as pool:
        admitted = _Admitted(pool, items, one)
        while admitted.unfinished:
            admitted.fill(jobs.first)
            finished = admitted.collect(poll)
            if not finished and admitted.waiting and admitted.running < jobs.most and idle():
                admitted.fill(admitted.running + 1)
        return admitted.results()


class _Admitted(Generic[T, R]):
    """The items started on `pool` so far, and what they returned."""

    def __init__(self, pool: ThreadPoolExecutor, items: Sequence[T], one: Callable[[T], R]) -> None:
        self._pool, self._items, self._one = pool, items, one
        self._pending = deque(range(len(items)))
        self._running: dict[Future[R], int] = {}
        self._results: dict[int, R] = {}

    @property
    def unfinished(self) -> bool:
        return bool(self._pending or self._running)

    @property
    def waiting(self) -> bool:
        return bool(self._pending)

    @property
    def running(self) -> int:
        return len(self._running)

    def fill(self, up_to: int) -> None:
        """Starts items until `up_to` run (or none is left to start)."""
        while self._pending and len(self._running) < up_to:
            index = self._pending.popleft()
            self._running[self._pool.submit(self._one, self._items[index])] = index

    def collect(self, poll: float) -> bool:
        """Waits up to `poll` seconds for items to finish; whether any did."""
        done, _ = wait(self._running, timeout=poll, return_when=FIRST_COMPLETED)
        for future in done:
            self._results[self._running.pop(future)] = future.result()
        return bool(done)

    def results(self) -> list[R]:
        return [self._results[index] for index in range(len(self._items))]
