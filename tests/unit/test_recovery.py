"""Recovery's judgements without the engine: which checkpoint is readable, which copy is restored,
which lock is stale, which process is a dead run's plugin, which backend `pulumi` would use."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import socket
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgaccess.cli.main import app
from orgaccess.deploy.backend import backend_url, selected_stack
from orgaccess.engine import recovery
from orgaccess.engine.statestore import FileStore, StoreError, open_store, redact

CHECKPOINT = json.dumps({"version": 3, "checkpoint": {"stack": "organization/orgaccess/dev"}}).encode()
KEYS = recovery.Keys("orgaccess", "dev")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is empty"),
        (b'{"version": 3, "checkp', "is not a complete JSON document"),
        (b'{"version": 3}', "is JSON but not a checkpoint"),
        (CHECKPOINT, None),
        (gzip.compress(CHECKPOINT), None),
    ],
    ids=["empty", "torn", "not-a-checkpoint", "json", "gzip"],
)
def test_a_checkpoint_is_judged_by_its_content(content: bytes, problem: str | None) -> None:
    assert recovery.checkpoint_problem(content, "dev.json") == problem


def backend(tmp_path: Path, files: dict[str, bytes]) -> FileStore:
    for key, content in files.items():
        path = tmp_path / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return FileStore(f"file://{tmp_path}")


def make_readable(store: FileStore) -> str | None:
    return recovery.make_readable_state(store, KEYS, found=print, did=print)


def test_an_empty_metadata_file_is_removed_and_the_checkpoint_kept(tmp_path: Path) -> None:
    store = backend(tmp_path, {KEYS.checkpoint: CHECKPOINT, KEYS.checkpoint + ".attrs": b""})
    assert make_readable(store) is None
    assert store.read(KEYS.checkpoint) == CHECKPOINT
    assert not (tmp_path / (KEYS.checkpoint + ".attrs")).exists()


def test_an_empty_checkpoint_is_restored_from_the_backup(tmp_path: Path) -> None:
    store = backend(tmp_path, {KEYS.checkpoint: b"", KEYS.backup: CHECKPOINT})
    assert make_readable(store) == KEYS.backup
    assert store.read(KEYS.checkpoint) == CHECKPOINT


def test_with_an_unreadable_backup_the_newest_history_checkpoint_is_restored(tmp_path: Path) -> None:
    newer = json.dumps({"version": 3, "checkpoint": {"stack": "organization/orgaccess/dev", "latest": {}}}).encode()
    store = backend(
        tmp_path,
        {
            KEYS.checkpoint: b"",
            KEYS.backup: b"{",
            f"{KEYS.history}dev-1700000000000000000.checkpoint.json": CHECKPOINT,
            f"{KEYS.history}dev-1800000000000000000.checkpoint.json": newer,
            f"{KEYS.history}dev-1800000000000000000.history.json": b"{}",
        },
    )
    assert make_readable(store) == f"{KEYS.history}dev-1800000000000000000.checkpoint.json"
    assert store.read(KEYS.checkpoint) == newer


def test_without_any_readable_copy_recovery_stops_and_says_where_it_looked(tmp_path: Path) -> None:
    store = backend(tmp_path, {KEYS.checkpoint: b"", KEYS.backup: b""})
    with pytest.raises(recovery.RecoveryError, match=r"no readable copy was found \(.*dev\.json\.bak"):
        make_readable(store)


def test_a_missing_stack_is_named(tmp_path: Path) -> None:
    with pytest.raises(recovery.RecoveryError, match="no stack 'dev' of project 'orgaccess'"):
        make_readable(backend(tmp_path, {}))


def lock(pid: int, *, hostname: str | None = None, age: timedelta = timedelta(0)) -> recovery.Lock:
    return recovery.Lock("k", pid, hostname or socket.gethostname(), datetime.now(UTC) - age)


def test_a_compressed_checkpoint_is_the_one_recovery_reads(tmp_path: Path) -> None:
    zstd = recovery.Keys("orgaccess", "dev", ".zst")
    store = backend(tmp_path, {zstd.checkpoint: b"(zstd)", zstd.backup: b"(zstd)"})
    assert recovery.located(store, KEYS) == zstd


def test_of_two_compressions_left_by_a_kill_the_newest_is_read(tmp_path: Path) -> None:
    # The engine writes the new form first and deletes the old one after: a kill between leaves both.
    zstd = recovery.Keys("orgaccess", "dev", ".zst")
    store = backend(tmp_path, {KEYS.checkpoint: CHECKPOINT, zstd.checkpoint: b"(zstd)"})
    os.utime(tmp_path / KEYS.checkpoint, (1_800_000_000, 1_800_000_000))
    os.utime(tmp_path / zstd.checkpoint, (1_700_000_000, 1_700_000_000))
    assert recovery.located(store, KEYS) == KEYS


def test_a_lock_of_a_finished_process_is_stale() -> None:
    finished = subprocess.Popen(["true"])
    finished.wait()
    assert not lock(finished.pid).held_by_a_live_process


def test_a_lock_of_a_running_process_is_live() -> None:
    assert lock(os.getpid()).held_by_a_live_process


def test_a_lock_older_than_the_process_now_holding_its_pid_is_stale() -> None:
    assert not lock(os.getpid(), age=timedelta(days=365)).held_by_a_live_process


def test_a_lock_of_another_host_is_taken_for_live() -> None:
    finished = subprocess.Popen(["true"])
    finished.wait()
    assert lock(finished.pid, hostname="elsewhere").held_by_a_live_process


@pytest.mark.parametrize(
    ("cmdline", "plugin"),
    [
        (["/venv/bin/python", "-m", "pulumi.dynamic", "--port"], True),
        (["/cache/bin/pulumi-language-python", "-root", "."], True),
        (["/bin/sh", "/cache/bin/pulumi-resource-pulumi-python", "127.0.0.1:4"], True),
        (["/venv/bin/python", "-u", "/cache/bin/pulumi-language-python-exec", "--stack", "dev"], True),
        (["vim", "pulumi.dynamic"], False),
        (["tail", "-f", "pulumi-resource-notes.log"], False),
        (["/cache/bin/pulumi", "up"], False),
        ([], False),
    ],
)
def test_plugins_are_told_by_their_command_line(cmdline: list[str], plugin: bool) -> None:
    assert recovery.is_plugin(cmdline) is plugin


def test_the_backend_is_pulumi_backend_url_first(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nbackend:\n  url: file:///project\n")
    assert backend_url(tmp_path, {"PULUMI_BACKEND_URL": "file:///env"}) == "file:///env"


def test_the_backend_is_the_projects_then_the_login(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "credentials.json").write_text(json.dumps({"current": "file:///login"}))
    (tmp_path / "Pulumi.yaml").write_text("name: p\n")
    assert backend_url(tmp_path, {"PULUMI_HOME": str(home)}) == "file:///login"
    (tmp_path / "Pulumi.yaml").write_text("name: p\nbackend:\n  url: file:///project\n")
    assert backend_url(tmp_path, {"PULUMI_HOME": str(home)}) == "file:///project"


def test_the_file_store_lists_objects_without_metadata_or_temporary_files(tmp_path: Path) -> None:
    store = backend(tmp_path, {"a/x.json": b"1", "a/x.json.attrs": b"{}", "a/x.json.1f3a.tmp": b""})
    assert store.keys("a/") == ["a/x.json"]


def test_a_write_drops_the_metadata_that_described_the_old_content(tmp_path: Path) -> None:
    store = backend(tmp_path, {"a/x.json": b"1", "a/x.json.attrs": b'{"md5": "old"}'})
    store.write("a/x.json", b"2")
    assert store.read("a/x.json") == b"2"
    assert not (tmp_path / "a/x.json.attrs").exists()


def test_other_backends_are_refused_with_what_to_do_instead() -> None:
    with pytest.raises(StoreError, match="pulumi cancel"):
        open_store("https://api.pulumi.com")


def test_a_password_never_shows_in_messages() -> None:
    assert redact("postgres://u:hunter2@db:5432/state") == "postgres://u:****@db:5432/state"


def test_the_command_on_a_cloud_backend_exits_1_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: orgaccess\nruntime: python\n")
    env = {"PULUMI_BACKEND_URL": "https://api.pulumi.com"}
    done = CliRunner().invoke(app, ["recover", "--stack", "dev", "--cwd", str(tmp_path)], env=env)
    assert done.exit_code == 1
    assert "handles the file:// and postgres:// backends" in done.output
    assert "not ready for `pulumi up`" in done.output


def test_the_selected_stack_is_read_from_pulumis_workspace_file(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: orgaccess\n")
    digest = hashlib.sha1(str((tmp_path / "Pulumi.yaml").resolve()).encode()).hexdigest()
    workspaces = tmp_path / "home" / "workspaces"
    workspaces.mkdir(parents=True)
    settings = {"stacks": {"file:///state": "organization/orgaccess/prod"}}
    (workspaces / f"orgaccess-{digest}-workspace.json").write_text(json.dumps(settings))
    env = {"PULUMI_HOME": str(tmp_path / "home"), "PULUMI_BACKEND_URL": "file:///state"}
    assert selected_stack(tmp_path, env) == "prod"
    assert selected_stack(tmp_path, {**env, "PULUMI_BACKEND_URL": "file:///other"}) is None
