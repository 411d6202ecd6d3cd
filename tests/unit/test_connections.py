"""One wire per calling thread and endpoint, shared by the clients that call it
(orgaccess/platform/_connections.py)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from orgaccess.platform import _connections
from orgaccess.platform._wire import Answer, Request

THREADS = 8


class Closable:
    """A wire that only notes that it was closed."""

    closed = False

    def exchange(self, request: Request, cap: int) -> Answer:
        raise AssertionError("no exchange here")

    def close(self) -> None:
        self.closed = True


def test_a_thread_reuses_its_own_wire_for_every_call() -> None:
    connections = _connections.own(Closable)
    assert connections.get() is connections.get()


def test_threads_calling_at_once_never_share_a_wire() -> None:
    connections = _connections.own(Closable)
    with ThreadPoolExecutor(THREADS) as pool:
        # Each task holds its thread until all have started, so every thread makes its own.
        barrier = threading.Barrier(THREADS)
        made = list(pool.map(lambda _i: (barrier.wait(), id(connections.get()))[1], range(THREADS)))
    assert len(set(made)) == THREADS


def test_closing_closes_the_wire_of_every_thread() -> None:
    connections = _connections.own(Closable)
    with ThreadPoolExecutor(THREADS) as pool:
        made = list(pool.map(lambda _i: connections.get(), range(THREADS)))
    connections.close()
    assert all(isinstance(wire, Closable) and wire.closed for wire in made)


def test_a_call_after_closing_is_refused() -> None:
    connections = _connections.own(Closable)
    connections.close()
    with pytest.raises(RuntimeError, match="closed"):
        connections.get()


def test_clients_of_one_endpoint_share_a_threads_wire() -> None:
    first, second = (_connections.shared("one-endpoint", Closable) for _ in range(2))
    assert first.get() is second.get()
    first.close()
    second.close()


def test_clients_of_other_endpoints_never_share_a_wire() -> None:
    first, second = _connections.shared("an-endpoint", Closable), _connections.shared("another", Closable)
    assert first.get() is not second.get()
    first.close()
    second.close()


def test_a_shared_wire_stays_open_until_its_last_client_closes() -> None:
    first, last = (_connections.shared("the-endpoint", Closable) for _ in range(2))
    wire = first.get()
    first.close()
    assert not isinstance(wire, Closable) or not wire.closed
    assert last.get() is wire
    last.close()
    assert isinstance(wire, Closable) and wire.closed


def test_a_client_closed_twice_releases_its_share_once() -> None:
    first, other = (_connections.shared("twice", Closable) for _ in range(2))
    wire = other.get()
    first.close()
    first.close()
    assert isinstance(wire, Closable) and not wire.closed
    other.close()
