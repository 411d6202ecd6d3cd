"""The live state of each org, read once per process and shared by every resource.

A preview of N orgs must cost about N x (3 + accounts) API calls, not one call per
resource per field: each part of an org (its roles, its licenses, one subject's grants,
the home org's accounts) is fetched on first use, by one thread while the others wait,
and then served from memory. Writes invalidate exactly the part they changed.

Which parts there are is the kinds' business: each kind reads its own through `Fleet.part`,
under keys it names (orgaccess.reconciler.kinds), so a new kind brings its reads with it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from orgaccess.platform.dialect import Client
from orgaccess.platform.models import Organization

T = TypeVar("T")


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

    def get(self, key: Hashable, fetch: Callable[[], T], *, fresh: bool = False) -> T:
        if fresh:
            self.forget(key)
        with self._lock:
            if key in self._values:
                return self._values[key]
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
                generation = self._generation.get(key, 0)
            value = fetch()
            with self._lock:
                if self._generation.get(key, 0) == generation:
                    self._values[key] = value
            return value

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._values.pop(key, None)
            self._generation[key] = self._generation.get(key, 0) + 1


class Fleet:
    """Cached reads of every org, over one shared client."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self._parts = _Parts()

    def organization(self, org: str) -> Organization:
        """The org itself, as its own credentials see it: its id and its links."""
        return self._parts.get(("org", org), lambda: self.client.get_organization(org))

    def part(self, key: Hashable, fetch: Callable[[], T], *, fresh: bool = False) -> T:
        """The part named `key`, fetched once by `fetch`; `fresh=True` reads again, as a write is
        about to be decided on what is live right now."""
        return self._parts.get(key, fetch, fresh=fresh)

    def forget(self, key: Hashable) -> None:
        """Drops the part named `key`, which a write has changed: its next use reads it again."""
        self._parts.forget(key)
