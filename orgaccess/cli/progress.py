"""Progress of a long command: a bar on a terminal, plain lines in a CI log, on stderr either way.

On a terminal: done/total, the time elapsed and an estimate of the time left (rich's bar, which
clears itself when done). Elsewhere the bar would print nothing useful, so a command whose items
are few and slow (the stacks of a fleet) prints one line per item as it finishes; one whose items
are many and quick (orgs) prints nothing.

The bar over quick items is drawn from the first finished one, not before: its refresh thread would
keep a command that reads orgs in processes from forking them (perorg._may_fork), and the first org
is done within a second of the start of the reads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


@contextmanager
def progress(
    label: str, total: int, *, slow_items: bool = False, console: Console | None = None
) -> Iterator[Callable[[str], None]]:
    """Yields `advance(item)`, to call as each of `total` items finishes (from any thread);
    `slow_items`: few that each take long, shown from the start, and as plain lines off a terminal."""
    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield PlainLines(label, total, console) if slow_items else _nothing
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task(escape(label), total=total)

    def advance(_item: str) -> None:
        bar.advance(task)
        bar.start()  # once: rich starts a bar only if it is not running

    if slow_items:
        bar.start()
    try:
        yield advance
    finally:
        bar.stop()


def _nothing(_item: str) -> None:
    pass


class PlainLines:
    """`label: 3/9 orgs-1-of-8 ok, 41s elapsed, about 82s left`, one line per finished item."""

    def __init__(self, label: str, total: int, console: Console, clock: Callable[[], float] = time.monotonic) -> None:
        self._label, self._total, self._console, self._clock = label, total, console, clock
        self._started = clock()
        self._done = 0
        self._lock = threading.Lock()

    def __call__(self, item: str) -> None:
        with self._lock:
            self._done += 1
            elapsed = self._clock() - self._started
            left = elapsed / self._done * (self._total - self._done)
            estimate = f", about {left:.0f}s left" if self._done < self._total else ""
            line = f"{self._label}: {self._done}/{self._total} {item}, {elapsed:.0f}s elapsed{estimate}"
            self._console.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)
