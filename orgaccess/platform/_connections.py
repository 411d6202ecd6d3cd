"""One HTTP transport per thread: the commands that read a fleet call from dozens of threads at once.

A single transport shares one connection pool, and every request takes the pool's lock and
scans its connections to find one free. With the 48 threads of `orgaccess drift` waiting on
that lock, the process spent more CPU on it than on the calls: 2,000 orgs at 20 ms a call took
13.9 s of CPU and 14.3 s with one pool, 8.7 s and 9.4 s with a pool per thread (the same
run, alternated twice). A thread sends one request at a time, so its transport keeps one
connection alive, and the process holds as many connections as it has calling threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx


class PerThreadTransports:
    """`get()` is the calling thread's own transport, made on its first call; `close()` closes them all,
    and a call after it is refused, as a closed httpx.Client refuses one."""

    def __init__(self, make: Callable[[], httpx.BaseTransport]) -> None:
        self._make = make
        self._local = threading.local()
        self._lock = threading.Lock()
        self._made: list[httpx.BaseTransport] = []
        self._closed = False

    def get(self) -> httpx.BaseTransport:
        if self._closed:
            raise RuntimeError("cannot send a request: the client has been closed")
        transport: httpx.BaseTransport | None = getattr(self._local, "transport", None)
        if transport is None:
            transport = self._local.transport = self._make()
            with self._lock:
                self._made.append(transport)
        return transport

    def close(self) -> None:
        with self._lock:
            made, self._made, self._closed = self._made, [], True
        for transport in made:
            transport.close()
