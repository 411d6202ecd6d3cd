"""`orgaccess recover` on the PostgreSQL state backend: the same states as with the file backend
(a stale lock, an unreadable checkpoint, a pending create), in the backend's table, recovered from
the outside with PULUMI_BACKEND_URL set as an operator sets it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orgaccess.engine import recovery
from tests.reliability.recover_support import (
    a_dead_pid,
    converged,
    keys,
    make_pending_create,
    put_lock,
    recover_cli,
    store_of,
)
from tests.reliability.support import FleetRun, drifted_fleet

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory, postgres_url: str) -> Iterator[FleetRun]:
    # The session's cluster is shared with the fleet tests: a stack name of its own.
    workdir = tmp_path_factory.mktemp("recover-pg")
    with drifted_fleet(workdir, 3, seed=12, stack_name="recover-pg", backend_url=postgres_url) as fleet:
        fleet.stack.up().check()
        yield fleet


def test_the_stack_lives_in_postgres(fleet: FleetRun) -> None:
    assert keys(fleet.stack).checkpoint in store_of(fleet.stack).keys(".pulumi/stacks/")


def test_the_engine_orgaccess_runs_there_keeps_the_checkpoint_zstd_compressed(fleet: FleetRun) -> None:
    checkpoint = keys(fleet.stack).checkpoint
    assert checkpoint.endswith(".json.zst")
    assert recovery.checkpoint_problem(store_of(fleet.stack).read(checkpoint), checkpoint) is None


def test_a_stale_lock_an_unreadable_checkpoint_and_a_pending_create_are_recovered(fleet: FleetRun) -> None:
    make_pending_create(fleet.stack)
    put_lock(fleet.stack, a_dead_pid())
    store_of(fleet.stack).write(keys(fleet.stack).checkpoint, b"")
    done = recover_cli(fleet.stack, "--stack", fleet.stack.name)
    assert done.returncode == 0, done.output
    assert f"restored the checkpoint from {keys(fleet.stack).backup}" in done.stdout
    assert recovery.locks(fleet.stack) == []
    assert recovery.pending_operations(fleet.stack) == []
    assert fleet.stack.up().returncode == 0
    assert converged(fleet) == []


def test_a_live_lock_in_postgres_stops_recovery(fleet: FleetRun) -> None:
    with pytest.raises(recovery.RecoveryError, match="on runner-elsewhere"):
        key = put_lock(fleet.stack, a_dead_pid(), hostname="runner-elsewhere")
        try:
            recovery.recover(fleet.stack)
        finally:
            store_of(fleet.stack).delete(key)
