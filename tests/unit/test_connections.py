"""One HTTP client per calling thread (orgaccess/platform/_connections.py)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from orgaccess.platform._connections import PerThreadClients

THREADS = 8


def _clients() -> PerThreadClients:
    return PerThreadClients(lambda: httpx.Client(transport=httpx.MockTransport(lambda _request: httpx.Response(200))))


def test_a_thread_reuses_its_own_client_for_every_call() -> None:
    clients = _clients()
    assert clients.get() is clients.get()


def test_threads_calling_at_once_never_share_a_client() -> None:
    clients = _clients()
    with ThreadPoolExecutor(THREADS) as pool:
        # Each task holds its thread until all have started, so every thread makes its own.
        barrier = threading.Barrier(THREADS)
        made = list(pool.map(lambda _i: (barrier.wait(), id(clients.get()))[1], range(THREADS)))
    assert len(set(made)) == THREADS


def test_closing_closes_the_client_of_every_thread() -> None:
    clients = _clients()
    with ThreadPoolExecutor(THREADS) as pool:
        made = list(pool.map(lambda _i: clients.get(), range(THREADS)))
    clients.close()
    assert all(client.is_closed for client in made)
