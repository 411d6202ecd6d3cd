"""One HTTP transport per thread and endpoint, shared by every client of the process that calls it.

Per thread: the commands that read a fleet call from dozens of threads at once, and a single
transport shares one connection pool, whose lock every request takes to scan its connections for a
free one. With the 48 threads of `orgaccess drift` waiting on that lock, the process spent more CPU on
it than on the calls: 2,000 orgs at 20 ms a call took 13.9 s of CPU and 14.3 s with one pool, 8.7 s
and 9.4 s with a pool per thread (the same run, alternated twice). A thread sends one request at a
time, so its transport keeps a connection alive for each host it calls.

Per endpoint, not per client: on genesys-cloud a process holds a client per org, thousands of them
on one host. With a transport of its own, each client opened new connections (and, on the real
platform, a TLS handshake each) for every org a thread read: a drift of 5,000 orgs opened about
6,800 connections; shared, 193 (its two processes run 48 threads each), and its reading processes
spent 23.6 s of CPU instead of 26.2 s (docs/fleet.md, bench/results/shared-connections).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

import httpx

Make = Callable[[], httpx.BaseTransport]


class PerThreadTransports:
    """`get()` is the calling thread's own transport, made on its first call; `close()` closes them all."""

    def __init__(self, make: Make) -> None:
        self._make = make
        self._local = threading.local()
        self._lock = threading.Lock()
        self._made: list[httpx.BaseTransport] = []

    def get(self) -> httpx.BaseTransport:
        transport: httpx.BaseTransport | None = getattr(self._local, "transport", None)
        if transport is None:
            transport = self._local.transport = self._make()
            with self._lock:
                self._made.append(transport)
        return transport

    def close(self) -> None:
        with self._lock:
            made, self._made = self._made, []
        for transport in made:
            transport.close()


class Connections:
    """A client's use of a `PerThreadTransports`: `close()` ends this client's use, and a call after it
    is refused, as a closed httpx.Client refuses one; the transports close with their last user."""

    def __init__(self, transports: PerThreadTransports, release: Callable[[], None]) -> None:
        self._transports = transports
        self._release = release
        self._closed = False

    def get(self) -> httpx.BaseTransport:
        if self._closed:
            raise RuntimeError("cannot send a request: the client has been closed")
        return self._transports.get()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._release()


def own(make: Make) -> Connections:
    """Transports of one client alone (a transport given by the caller, as tests give one)."""
    transports = PerThreadTransports(make)
    return Connections(transports, transports.close)


class _Shared:
    """The transports of each endpoint, with how many open clients use them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_endpoint: dict[Hashable, tuple[PerThreadTransports, int]] = {}

    def use(self, endpoint: Hashable, make: Make) -> Connections:
        with self._lock:
            transports, users = self._by_endpoint.get(endpoint) or (PerThreadTransports(make), 0)
            self._by_endpoint[endpoint] = (transports, users + 1)
        return Connections(transports, lambda: self._release(endpoint))

    def _release(self, endpoint: Hashable) -> None:
        with self._lock:
            transports, users = self._by_endpoint[endpoint]
            if users > 1:
                self._by_endpoint[endpoint] = (transports, users - 1)
                return
            del self._by_endpoint[endpoint]
        transports.close()


_SHARED = _Shared()


def shared(endpoint: Hashable, make: Make) -> Connections:
    """Transports shared by every open client of the process that calls `endpoint` (all that decides
    how a connection is made: base URL, CA bundle, proxy); `make` makes one for a thread."""
    return _SHARED.use(endpoint, make)
