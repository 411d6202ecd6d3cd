"""One wire (_wire.py) per thread and endpoint, shared by every client of the process that calls it.

Per thread: the commands that read a fleet call from dozens of threads at once, and a single
connection pool has a lock every request takes to scan its connections for a free one. With the 48
threads of `orgaccess drift` waiting on that lock (httpx's pool, then), the process spent more CPU on
it than on the calls: 2,000 orgs at 20 ms a call took 13.9 s of CPU and 14.3 s with one pool, 8.7 s
and 9.4 s with a pool per thread (the same run, alternated twice). A thread sends one request at a
time, so its wire keeps a connection alive for each host it calls, and needs no lock.

Per endpoint, not per client: on genesys-cloud a process holds a client per org, thousands of them
on one host. With a wire of its own, each client opened new connections (and, on the real
platform, a TLS handshake each) for every org a thread read: a drift of 5,000 orgs opened about
6,800 connections; shared, 193 (its two processes run 48 threads each), and its reading processes
spent 23.6 s of CPU instead of 26.2 s (docs/fleet.md, bench/results/shared-connections).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from orgaccess.platform._wire import Wire

Make = Callable[[], Wire]


class PerThreadWires:
    """`get()` is the calling thread's own wire, made on its first call; `close()` closes them all."""

    def __init__(self, make: Make) -> None:
        self._make = make
        self._local = threading.local()
        self._lock = threading.Lock()
        self._made: list[Wire] = []

    def get(self) -> Wire:
        wire: Wire | None = getattr(self._local, "wire", None)
        if wire is None:
            wire = self._local.wire = self._make()
            with self._lock:
                self._made.append(wire)
        return wire

    def close(self) -> None:
        with self._lock:
            made, self._made = self._made, []
        for wire in made:
            wire.close()


class Connections:
    """A client's use of a `PerThreadWires`: `close()` ends this client's use, and a call after it
    is refused, as a closed client refuses one; the wires close with their last user."""

    def __init__(self, wires: PerThreadWires, release: Callable[[], None]) -> None:
        self._wires = wires
        self._release = release
        self._closed = False

    def get(self) -> Wire:
        if self._closed:
            raise RuntimeError("cannot send a request: the client has been closed")
        return self._wires.get()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._release()


def own(make: Make) -> Connections:
    """Wires of one client alone (over a transport the caller gives, as tests give one)."""
    wires = PerThreadWires(make)
    return Connections(wires, wires.close)


class _Shared:
    """The wires of each endpoint, with how many open clients use them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_endpoint: dict[Hashable, tuple[PerThreadWires, int]] = {}

    def use(self, endpoint: Hashable, make: Make) -> Connections:
        with self._lock:
            wires, users = self._by_endpoint.get(endpoint) or (PerThreadWires(make), 0)
            self._by_endpoint[endpoint] = (wires, users + 1)
        return Connections(wires, lambda: self._release(endpoint))

    def _release(self, endpoint: Hashable) -> None:
        with self._lock:
            wires, users = self._by_endpoint[endpoint]
            if users > 1:
                self._by_endpoint[endpoint] = (wires, users - 1)
                return
            del self._by_endpoint[endpoint]
        wires.close()


_SHARED = _Shared()


def shared(endpoint: Hashable, make: Make) -> Connections:
    """Wires shared by every open client of the process that calls `endpoint` (all that decides
    how a connection is made: base URL, CA bundle, proxy); `make` makes one for a thread."""
    return _SHARED.use(endpoint, make)
