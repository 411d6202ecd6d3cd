"""How many stacks of a fleet run at once: `jobs`, and while the machine sits idle, a few more.

A stack spends its time on the CPU (an engine, a program and a provider over hundreds of orgs) or
waiting: on the platform's answers and, at a rate limit that binds, on its buckets. `--jobs` sizes
the first for the cores. When every running stack waits on the platform's rate limit, the cores
idle while stacks that could run hold back: at 200 orgs and 6 requests a minute, 8 stacks 4 at a
time took 1.41x the run's floor and all 8 at once 1.18x (docs/fleet.md, *Rate limit*). So, as
`make --load-average` admits jobs by load, one more stack starts whenever the CPU was mostly idle
over the last poll, up to `extra` beyond `jobs`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

import psutil

T = TypeVar("T")
R = TypeVar("R")

# `orgaccess fleet` without --jobs: 4 stacks at once on the 2-core machine measured, 4 more while idle.
DEFAULT_JOBS = 4
DEFAULT_EXTRA = 4
IDLE_BELOW_PERCENT = 50.0
POLL_SECONDS = 2.0


def cpu_idle() -> bool:
    """Whether the machine's CPU was busy less than half the time since the last call."""
    return psutil.cpu_percent(interval=None) < IDLE_BELOW_PERCENT


def run_admitted(
    items: Sequence[T],
    one: Callable[[T], R],
    *,
    jobs: int,
    extra: int = 0,
    idle: Callable[[], bool] = cpu_idle,
    poll: float = POLL_SECONDS,
) -> list[R]:
    """`one(item)` of every item, their results in the items' order: `jobs` at once, and one more
    after each poll that found the machine `idle()`, up to `jobs + extra`."""
    jobs = max(1, jobs)
    pending = deque(range(len(items)))
    running: dict[Future[R], int] = {}
    results: dict[int, R] = {}
    idle()  # the first reading covers the time since an earlier caller's; this one starts the count
    with ThreadPoolExecutor(max_workers=jobs + extra, thread_name_prefix="fleet") as pool:

        def start() -> None:
            index = pending.popleft()
            running[pool.submit(one, items[index])] = index

        while pending or running:
            while pending and len(running) < jobs:
                start()
            done, _ = wait(running, timeout=poll, return_when=FIRST_COMPLETED)
            for future in done:
                results[running.pop(future)] = future.result()
            if not done and pending and len(running) < jobs + extra and idle():
                start()
    return [results[index] for index in range(len(items))]
