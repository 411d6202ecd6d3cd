"""Which processes `orgaccess recover` ends: only the plugins of the dead run whose stale lock it
found, of this user, started as Pulumi starts plugins; never a look-alike, and never before it
knows the stack exists."""

from __future__ import annotations

import json
import socket
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
import pytest

from orgaccess.engine import recovery
from orgaccess.engine.result import Result
from tests.dead_run import dead_run_plugin, plugin_executable, started

TempFactory = pytest.TempPathFactory


def stale_lock(pid: int, taken: datetime | None = None) -> recovery.Lock:
    """The lock of a dead run by `pid`, taken a second ago unless said otherwise."""
    return recovery.Lock("lock.json", pid, socket.gethostname(), taken or datetime.now(UTC) - timedelta(seconds=1))


def found(project: Path, lock: recovery.Lock) -> set[int]:
    return {process.pid for process in recovery.leftover_plugins(project, [lock])}


def become(process: psutil.Process, uid: int) -> bool:
    """Whether `process` runs as `uid` within 10 s (setpriv changes it just before its exec), its
    exec done."""
    deadline = time.monotonic() + 10
    while process.uids().real != uid or process.name() == "setpriv" or not process.cmdline():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pulumi-resource-notes.log").write_text("notes\n")
    return tmp_path


def test_a_plugin_the_dead_run_started_is_found(project: Path) -> None:
    lock_taken = datetime.now(UTC) - timedelta(seconds=1)
    with plugin_executable() as executable, dead_run_plugin(project, [str(executable), "600"]) as (engine, plugin):
        assert found(project, stale_lock(engine, lock_taken)) == {plugin.pid}


def test_a_plugin_whose_pid_an_earlier_scan_knew_as_another_process_is_found(project: Path) -> None:
    lock_taken = datetime.now(UTC) - timedelta(seconds=1)
    with plugin_executable() as executable, dead_run_plugin(project, [str(executable), "600"]) as (engine, plugin):
        # As if the pid had been an older process's when psutil last listed the processes (pid reuse).
        former = psutil.Process(plugin.pid)
        former._create_time = lock_taken.timestamp() - 3600
        psutil._pmap[plugin.pid] = former
        assert found(project, stale_lock(engine, lock_taken)) == {plugin.pid}


def test_a_tail_of_a_plugin_named_file_is_no_plugin(project: Path) -> None:
    # Started exactly as the engine starts a plugin; only its command line tells it apart.
    with dead_run_plugin(project, ["tail", "-f", "pulumi-resource-notes.log"]) as (engine, tail):
        assert tail.pid not in found(project, stale_lock(engine))


@pytest.mark.parametrize("session", [False, True], ids=["in-the-callers-group", "in-a-session-of-its-own"])
def test_a_pulumi_dynamic_python_not_started_by_an_engine_is_left_alone(project: Path, session: bool) -> None:
    with started(project, [sys.executable, "-m", "pulumi.dynamic"], start_new_session=session) as decoy:
        assert decoy.pid not in found(project, stale_lock(psutil.Process().pid + 999_999))


def test_another_users_plugin_is_left_alone(project: Path) -> None:
    with plugin_executable() as executable:
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(executable), "600"]
        with dead_run_plugin(project, as_nobody) as (engine, foreign):
            assert become(foreign, 65534)
            assert foreign.pid not in found(project, stale_lock(engine))


def test_a_plugin_started_before_the_run_locked_the_stack_is_not_that_runs(project: Path) -> None:
    with plugin_executable() as executable, dead_run_plugin(project, [str(executable), "600"]) as (engine, plugin):
        later = datetime.now(UTC) + timedelta(seconds=recovery.PID_REUSE_SLACK_SECONDS + 5)
        assert plugin.pid not in found(project, stale_lock(engine, later))


def test_without_a_stale_lock_there_is_no_dead_run_and_nothing_is_ended(project: Path) -> None:
    with plugin_executable() as executable, dead_run_plugin(project, [str(executable), "600"]):
        assert recovery.leftover_plugins(project, []) == []


@dataclass
class MissingStack:
    """A stack of this project that the backend does not hold: `recover --stack nonexistent`."""

    project_dir: Path
    backend_url: str
    name: str = "nonexistent"

    def export(self, *, show_secrets: bool = False) -> dict[str, Any]:
        raise AssertionError("recovery must stop before it asks the engine")

    def refresh(self, **options: Any) -> Result:
        raise AssertionError("recovery must stop before it asks the engine")


def test_recovery_of_a_stack_that_does_not_exist_ends_nothing(project: Path, tmp_path_factory: TempFactory) -> None:
    (project / "Pulumi.yaml").write_text("name: orgaccess\nruntime: python\n")
    stack = MissingStack(project, f"file://{tmp_path_factory.mktemp('backend')}")
    with plugin_executable() as executable, dead_run_plugin(project, [str(executable), "600"]) as (engine, plugin):
        lock = {"pid": engine, "hostname": socket.gethostname(), "timestamp": datetime.now(UTC).isoformat()}
        key = f"{recovery.Keys('orgaccess', stack.name).locks}dead.json"
        recovery.open_store(stack.backend_url).write(key, json.dumps(lock).encode())
        with pytest.raises(recovery.RecoveryError, match="no stack 'nonexistent'"):
            recovery.recover(stack)
        assert plugin.status() != psutil.STATUS_ZOMBIE
