"""Propagation delay: the data plane sees grant, revoke, role and license changes only later.

Management reads use the database, which changes at once. The data plane asks this object,
which holds, per changed fact, the values it took and when each becomes visible. A fact with no
pending change is read from the database. Pending changes live in memory: a restart applies them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

V = TypeVar("V")
_ALWAYS = float("-inf")


class Propagation:
    def __init__(self) -> None:
        self._history: dict[Hashable, list[tuple[float, object]]] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._history.clear()

    def record(self, key: Hashable, old: object, new: object, visible_at: float) -> None:
        if old == new:
            return
        with self._lock:
            # The first change of a fact remembers what the data plane saw before it.
            history = self._history.setdefault(key, [(_ALWAYS, old)])
            history.append((visible_at, new))

    def visible(self, key: Hashable, now: float, current: Callable[[], V]) -> V:
        with self._lock:
            history = self._history.get(key)
            if history is not None and history[-1][0] > now:
                return cast(V, [value for at, value in history if at <= now][-1])
            # Everything has propagated (or nothing changed): the database is the truth.
            self._history.pop(key, None)
        return current()
