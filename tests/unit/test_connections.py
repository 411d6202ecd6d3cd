"""One HTTP transport per calling thread (orgaccess/platform/_connections.py)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from orgaccess.platform._connections import PerThreadTransports

THREADS = 8


class Closable(httpx.BaseTransport):
    closed = False

    def close(self) -> None:
        self.closed = True


def _transports() -> PerThreadTransports:
    return PerThreadTransports(Closable)


def test_a_thread_reuses_its_own_transport_for_every_call() -> None:
    transports = _transports()
    assert transports.get() is transports.get()


def test_threads_calling_at_once_never_share_a_transport() -> None:
    transports = _transports()
    with ThreadPoolExecutor(THREADS) as pool:
        # Each task holds its thread until all have started, so every thread makes its own.
        barrier = threading.Barrier(THREADS)
        made = list(pool.map(lambda _i: (barrier.wait(), id(transports.get()))[1], range(THREADS)))
    assert len(set(made)) == THREADS


def test_closing_closes_the_transport_of_every_thread() -> None:
    transports = _transports()
    with ThreadPoolExecutor(THREADS) as pool:
        made = list(pool.map(lambda _i: transports.get(), range(THREADS)))
    transports.close()
    assert all(isinstance(transport, Closable) and transport.closed for transport in made)


def test_a_call_after_closing_is_refused() -> None:
    transports = _transports()
    transports.close()
    with pytest.raises(RuntimeError, match="closed"):
        transports.get()
