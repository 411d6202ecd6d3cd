"""The fleet's cache: one read per part of an org, however many threads ask, until a write forgets it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from orgaccess.platform.models import Role
from orgaccess.reconciler.kinds.role import forget_roles, roles
from orgaccess.reconciler.snapshot import Fleet


class CountingClient:
    def __init__(self) -> None:
        self.reads = 0
        self._lock = threading.Lock()
        self.gate = threading.Event()

    def list_roles(self, org: str) -> list[Role]:
        with self._lock:
            self.reads += 1
        self.gate.wait(5)
        return [Role(id="r1", name="Recording Analyst", permissions=["recording:view"], version=1)]


def test_concurrent_readers_of_one_org_cause_one_read() -> None:
    client = CountingClient()
    shared = Fleet(client)  # type: ignore[arg-type]
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(roles, shared, "org-a") for _ in range(8)]
        client.gate.set()
        results = [f.result() for f in futures]
    assert client.reads == 1
    assert all(r is results[0] for r in results)


def test_each_org_is_read_on_its_own() -> None:
    client, shared = _answering()
    roles(shared, "org-a")
    roles(shared, "org-b")
    assert client.reads == 2


def test_forgetting_a_part_makes_the_next_use_read_again() -> None:
    client, shared = _answering()
    roles(shared, "org-a")
    forget_roles(shared, "org-a")
    roles(shared, "org-a")
    assert client.reads == 2


def test_a_forget_during_a_fetch_keeps_the_fetched_value_out_of_the_cache() -> None:
    client = CountingClient()
    shared = Fleet(client)  # type: ignore[arg-type]
    with ThreadPoolExecutor(1) as pool:
        reading = pool.submit(roles, shared, "org-a")
        while client.reads == 0:
            pass
        forget_roles(shared, "org-a")  # a write landed while the read was in flight
        client.gate.set()
        reading.result()
    roles(shared, "org-a")
    assert client.reads == 2


def test_outside_a_converge_every_fresh_read_reads_again() -> None:
    client, shared = _answering()
    roles(shared, "org-a", fresh=True)
    roles(shared, "org-a", fresh=True)
    assert client.reads == 2


def test_in_a_converge_a_read_from_before_it_is_not_fresh_but_one_made_in_it_is() -> None:
    client, shared = _answering()
    roles(shared, "org-a")
    with shared.converging():
        roles(shared, "org-a", fresh=True)
        roles(shared, "org-a", fresh=True)
    assert client.reads == 2


def test_in_a_converge_a_write_makes_the_next_fresh_read_read_again() -> None:
    client, shared = _answering()
    with shared.converging():
        roles(shared, "org-a", fresh=True)
        forget_roles(shared, "org-a")  # what every write does to the part it changed
        roles(shared, "org-a", fresh=True)
    assert client.reads == 2


def test_in_a_converge_on_the_reads_made_a_read_from_before_it_is_fresh() -> None:
    client, shared = _answering()
    roles(shared, "org-a")
    with shared.converging(on_reads_made=True):
        roles(shared, "org-a", fresh=True)
    assert client.reads == 1


def test_in_a_converge_on_the_reads_made_a_write_still_makes_the_next_read_read_again() -> None:
    client, shared = _answering()
    roles(shared, "org-a")
    with shared.converging(on_reads_made=True):
        forget_roles(shared, "org-a")
        roles(shared, "org-a", fresh=True)
    assert client.reads == 2


def test_after_a_converge_a_fresh_read_reads_again() -> None:
    client, shared = _answering()
    with shared.converging():
        roles(shared, "org-a", fresh=True)
    roles(shared, "org-a", fresh=True)
    assert client.reads == 2


def _answering() -> tuple[CountingClient, Fleet]:
    """A client that answers at once, and a fleet over it."""
    client = CountingClient()
    client.gate.set()
    return client, Fleet(client)  # type: ignore[arg-type]
