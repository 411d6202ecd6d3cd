"""The live state of each org, read once per process and shared by every resource.

A preview of N orgs must cost about N x (3 + accounts) API calls, not one call per
resource per field: each part of an org (its roles, its licenses, one subject's grants,
the home org's accounts) is fetched on first use, by one thread while the others wait,
and then served from memory. Writes invalidate exactly the part they changed.

Which parts there are is the kinds' business: each kind reads its own through `Fleet.part`,
under keys it names (orgaccess.reconciler.kinds), so a new kind brings its reads with it.

A write is decided on a fresh read (`fresh=True`). Inside `Fleet.converging()`, one resource's
converge, a read made since the converge began is fresh enough: the objects of one org share its
parts (three roles, one roles list), and each write forgets the part it changed, so the next
object reads it again. Without that, an `up` read every part once per object of the org.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

from orgaccess.platform.dialect import Client
from orgaccess.platform.models import Organization

T = TypeVar("T")

# Before the first fetch on the fetch clock: every kept value was fetched at or after it.
_ANY_READ = -1


class _Parts:
    """Values computed once per key, with one lock per key so slow fetches overlap.

    A `forget` that lands while a fetch is in flight wins: the fetched value may predate
    the write that caused the forget, so it is returned to its caller but not kept.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Hashable, Any] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._generation: dict[Hashable, int] = {}
        # When each kept value's fetch began, on a clock that ticks once per fetch.
        self._fetched_at: dict[Hashable, int] = {}
        self._ticks = itertools.count()

    def now(self) -> int:
        """A time on the fetch clock: a fetch that begins after this call is at or after it."""
        with self._lock:
            return next(self._ticks)

    def get(self, key: Hashable, fetch: Callable[[], T], *, since: int | None = None) -> T:
        """The value of `key`; with `since`, only one whose fetch began at or after it."""
        with self._lock:
            if self._kept(key, since):
                return self._values[key]
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if self._kept(key, since):
                    return self._values[key]
                generation = self._generation.get(key, 0)
                began = next(self._ticks)
            value = fetch()
            with self._lock:
                if self._generation.get(key, 0) == generation:
                    self._values[key] = value
                    self._fetched_at[key] = began
            return value

    def _kept(self, key: Hashable, since: int | None) -> bool:
        return key in self._values and (since is None or self._fetched_at[key] >= since)

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._values.pop(key, None)
            self._generation[key] = self._generation.get(key, 0) + 1


class Fleet:
    """Cached reads of every org, over one shared client."""

    def __init__(self, client: Client, *, checkpointed: bool = True) -> None:
        """`checkpointed`: whether the engine run these reads serve writes its intermediate
        checkpoints, without which a secret made now could be lost with the run."""
        self.client = client
        self.checkpointed = checkpointed
        self._parts = _Parts()
        # Per thread: when the converge it runs began (Fleet.converging), or None.
        self._converge = threading.local()

    def organization(self, org: str) -> Organization:
        """The org itself, as its own credentials see it: its id and its links."""
        return self._parts.get(("org", org), lambda: self.client.get_organization(org))

    def part(self, key: Hashable, fetch: Callable[[], T], *, fresh: bool = False) -> T:
        """The part named `key`, fetched once by `fetch`; `fresh=True`, as a write is about to be
        decided on what is live: read again, unless read since this thread's converge began."""
        if not fresh:
            return self._parts.get(key, fetch)
        began = getattr(self._converge, "began", None)
        return self._parts.get(key, fetch, since=self._parts.now() if began is None else began)

    @contextlib.contextmanager
    def converging(self, *, on_reads_made: bool = False) -> Iterator[None]:
        """One resource's converge, in this thread: its fresh reads are those made since it began;
        `on_reads_made`, every read this process has kept is fresh enough (a converge that has
        nothing to write on them: reading again would only cost calls)."""
        outer = getattr(self._converge, "began", None)
        began = _ANY_READ if on_reads_made else self._parts.now()
        self._converge.began = began if outer is None else outer
        try:
            yield
        finally:
            self._converge.began = outer

    def forget(self, key: Hashable) -> None:
        """Drops the part named `key`, which a write has changed: its next use reads it again."""
        self._parts.forget(key)
