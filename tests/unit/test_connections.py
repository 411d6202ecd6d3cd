"""One HTTP transport per calling thread and endpoint, shared by the clients that call it
(orgaccess/platform/_connections.py)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from orgaccess.platform import _connections

THREADS = 8


class Closable(httpx.BaseTransport):
    closed = False

    def close(self) -> None:
        self.closed = True


def test_a_thread_reuses_its_own_transport_for_every_call() -> None:
    connections = _connections.own(Closable)
    assert connections.get() is connections.get()


def test_threads_calling_at_once_never_share_a_transport() -> None:
    connections = _connections.own(Closable)
    with ThreadPoolExecutor(THREADS) as pool:
        # Each task holds its thread until all have started, so every thread makes its own.
        barrier = threading.Barrier(THREADS)
        made = list(pool.map(lambda _i: (barrier.wait(), id(connections.get()))[1], range(THREADS)))
    assert len(set(made)) == THREADS


def test_closing_closes_the_transport_of_every_thread() -> None:
    connections = _connections.own(Closable)
    with ThreadPoolExecutor(THREADS) as pool:
        made = list(pool.map(lambda _i: connections.get(), range(THREADS)))
    connections.close()
    assert all(isinstance(transport, Closable) and transport.closed for transport in made)


def test_a_call_after_closing_is_refused() -> None:
    connections = _connections.own(Closable)
    connections.close()
    with pytest.raises(RuntimeError, match="closed"):
        connections.get()


def test_clients_of_one_endpoint_share_a_threads_transport() -> None:
    first, second = (_connections.shared("one-endpoint", Closable) for _ in range(2))
    assert first.get() is second.get()
    first.close()
    second.close()


def test_clients_of_other_endpoints_never_share_a_transport() -> None:
    first, second = _connections.shared("an-endpoint", Closable), _connections.shared("another", Closable)
    assert first.get() is not second.get()
    first.close()
    second.close()


def test_a_shared_transport_stays_open_until_its_last_client_closes() -> None:
    first, last = (_connections.shared("the-endpoint", Closable) for _ in range(2))
    transport = first.get()
    first.close()
    assert not isinstance(transport, Closable) or not transport.closed
    assert last.get() is transport
    last.close()
    assert isinstance(transport, Closable) and transport.closed


def test_a_client_closed_twice_releases_its_share_once() -> None:
    first, other = (_connections.shared("twice", Closable) for _ in range(2))
    transport = other.get()
    first.close()
    first.close()
    assert isinstance(transport, Closable) and not transport.closed
    other.close()
