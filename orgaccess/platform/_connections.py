"""One HTTP client per thread: the commands that read a fleet call from dozens of threads at once.

A single httpx client shares one connection pool, and every request takes the pool's lock and
scans its connections to find one free. With the 48 threads of `orgaccess drift` waiting on
that lock, the process spent more CPU on it than on the calls: 2,000 orgs at 20 ms a call took
13.9 s of CPU and 14.3 s with one pool, 8.7 s and 9.4 s with a client per thread (the same
run, alternated twice). A thread sends one request at a time, so its client keeps one
connection alive, and the process holds as many connections as it has calling threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx


class PerThreadClients:
    """`get()` is the calling thread's own client, made on its first call; `close()` closes them all."""

    def __init__(self, make: Callable[[], httpx.Client]) -> None:
        self._make = make
        self._local = threading.local()
        self._lock = threading.Lock()
        self._made: list[httpx.Client] = []

    def get(self) -> httpx.Client:
        client: httpx.Client | None = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self._make()
            with self._lock:
                self._made.append(client)
        return client

    def close(self) -> None:
        with self._lock:
            made, self._made = self._made, []
        for client in made:
            client.close()
