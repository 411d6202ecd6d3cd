"""Each state a killed `pulumi up` can leave in the file backend, built on purpose, and recovered
by orgaccess.engine.recovery (`orgaccess recover`): afterwards the stack is unlocked, readable, without
pending operations, and exactly as declared on the platform.

The tests share one converged stack; each breaks it one way and leaves it recovered.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pulumi import automation as auto

from orgaccess.engine import recovery
from orgaccess.engine.statestore import ATTRS
from tests.reliability.recover_support import (
    a_dead_pid,
    converged,
    keys,
    killed_at_first_write,
    make_pending_create,
    provider_process,
    put_lock,
    recover_cli,
    sleeping,
    store_of,
)
from tests.reliability.support import FleetRun, drifted_fleet

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FleetRun]:
    with drifted_fleet(tmp_path_factory.mktemp("recover"), 3, seed=11) as fleet:
        fleet.stack.up().check()
        yield fleet


def checkpoint_path(fleet: FleetRun) -> Path:
    return fleet.stack.backend_dir / keys(fleet.stack).checkpoint


def test_an_empty_checkpoint_metadata_file_is_what_fails_pulumi_with_eof(fleet: FleetRun) -> None:
    checkpoint_path(fleet).with_name(checkpoint_path(fleet).name + ATTRS).write_text("")
    try:
        with pytest.raises(auto.CommandError, match="failed to load checkpoint: EOF"):
            fleet.stack.export()
    finally:
        recovery.recover(fleet.stack)


def test_an_empty_checkpoint_metadata_file_is_removed_and_no_state_is_lost(fleet: FleetRun) -> None:
    before = {r["urn"] for r in fleet.stack.export()["deployment"]["resources"]}
    checkpoint_path(fleet).with_name(checkpoint_path(fleet).name + ATTRS).write_text("")
    recovered = recovery.recover(fleet.stack)
    assert recovered.restored_from is None
    assert {r["urn"] for r in fleet.stack.export()["deployment"]["resources"]} == before


def test_an_empty_checkpoint_is_restored_from_the_backup_and_kept_aside(fleet: FleetRun) -> None:
    checkpoint_path(fleet).write_bytes(b"")
    recovered = recovery.recover(fleet.stack)
    assert recovered.restored_from == keys(fleet.stack).backup
    kept = list(checkpoint_path(fleet).parent.glob(checkpoint_path(fleet).name + ".unreadable-*"))
    assert [path.read_bytes() for path in kept] == [b""]
    assert converged(fleet) == []


def test_with_the_backup_unreadable_too_the_newest_history_checkpoint_is_restored(fleet: FleetRun) -> None:
    checkpoint_path(fleet).write_bytes(b"")
    checkpoint_path(fleet).with_name(checkpoint_path(fleet).name + ".bak").write_bytes(b'{"version": 3, "checkp')
    history = sorted(store_of(fleet.stack).keys(keys(fleet.stack).history))
    newest = max(
        (k for k in history if k.endswith(".checkpoint.json")), key=lambda k: int(k.split("-")[-1].split(".")[0])
    )
    recovered = recovery.recover(fleet.stack)
    assert recovered.restored_from == newest
    assert converged(fleet) == []


def test_a_stale_lock_is_released(fleet: FleetRun) -> None:
    put_lock(fleet.stack, a_dead_pid())
    recovered = recovery.recover(fleet.stack)
    assert recovered.released_locks == 1
    assert recovery.locks(fleet.stack) == []


def test_a_lock_whose_pid_now_names_a_younger_process_is_stale(fleet: FleetRun) -> None:
    with sleeping() as stranger:
        put_lock(fleet.stack, stranger.pid, age=timedelta(hours=1))
        recovered = recovery.recover(fleet.stack)
        assert recovered.released_locks == 1
        assert stranger.poll() is None, "recovery must not end a process that is not a plugin"


def test_a_live_lock_stops_recovery_and_names_its_pid(fleet: FleetRun) -> None:
    with sleeping() as owner:
        key = put_lock(fleet.stack, owner.pid)
        try:
            with pytest.raises(recovery.RecoveryError, match=f"pid {owner.pid} on "):
                recovery.recover(fleet.stack)
            assert [lock.key for lock in recovery.locks(fleet.stack)] == [key]
        finally:
            store_of(fleet.stack).delete(key)


def test_a_lock_of_another_host_stops_recovery(fleet: FleetRun) -> None:
    key = put_lock(fleet.stack, a_dead_pid(), hostname="runner-elsewhere")
    try:
        with pytest.raises(recovery.RecoveryError, match="on runner-elsewhere"):
            recovery.recover(fleet.stack)
    finally:
        store_of(fleet.stack).delete(key)


def test_pending_creates_are_dropped_and_the_next_up_adopts_the_objects(fleet: FleetRun) -> None:
    make_pending_create(fleet.stack)
    recovered = recovery.recover(fleet.stack)
    assert recovered.dropped_operations == 1
    assert recovery.pending_operations(fleet.stack) == []
    assert fleet.stack.up().returncode == 0
    assert converged(fleet) == []


def test_a_provider_process_left_running_in_the_project_is_ended(fleet: FleetRun) -> None:
    with provider_process(fleet.stack, fleet.stack.project_dir) as left:
        recovered = recovery.recover(fleet.stack)
        left.wait(timeout=30)  # raises if it is still running
    assert recovered.ended_processes == 1


def test_a_provider_process_of_another_project_is_left_alone(fleet: FleetRun, tmp_path: Path) -> None:
    with provider_process(fleet.stack, tmp_path) as other:
        recovery.recover(fleet.stack)
        assert other.is_running()


def test_the_command_recovers_an_empty_checkpoint_from_the_outside(fleet: FleetRun) -> None:
    checkpoint_path(fleet).write_bytes(b"")
    put_lock(fleet.stack, a_dead_pid())
    done = recover_cli(fleet.stack)
    assert done.returncode == 0, done.output
    assert f"restored the checkpoint from {keys(fleet.stack).backup}" in done.stdout
    assert "ready: run `pulumi up" in done.stdout


def test_the_command_refuses_a_live_lock_with_exit_1_and_its_pid(fleet: FleetRun) -> None:
    with sleeping() as owner:
        key = put_lock(fleet.stack, owner.pid)
        try:
            done = recover_cli(fleet.stack, "--stack", fleet.stack.name)
        finally:
            store_of(fleet.stack).delete(key)
    assert done.returncode == 1
    assert f"pid {owner.pid}" in done.stderr
    assert "not ready for `pulumi up`" in done.stderr


def test_the_command_on_a_healthy_stack_changes_nothing(fleet: FleetRun) -> None:
    done = recover_cli(fleet.stack, "--stack", fleet.stack.name)
    assert done.returncode == 0, done.output
    assert "nothing to recover" in done.stdout


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace kills pulumi at the exact write; not installed")
def test_a_kill_while_pulumi_rewrites_the_checkpoint_metadata_is_recovered_from_the_outside(fleet: FleetRun) -> None:
    attrs = checkpoint_path(fleet).with_name(checkpoint_path(fleet).name + ATTRS)
    with killed_at_first_write(fleet.stack, attrs) as killed:
        assert attrs.stat().st_size == 0, "the kill lands after the truncation, before the write"
        with pytest.raises(auto.CommandError, match="failed to load checkpoint: EOF"):
            fleet.stack.cancel()
        done = recover_cli(fleet.stack)
        assert done.returncode == 0, done.output
        assert killed.wait(timeout=60) is not None, "the dead run's provider was ended"
    assert "metadata file dev.json.attrs is empty" in done.stdout
    assert fleet.stack.up().returncode == 0
