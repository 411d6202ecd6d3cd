"""`orgaccess recover` on a backend someone else could write: a decompression bomb, symbolic
links, a lock or a checkpoint that is not what the engine writes. Each is one clear message and
exit 1, with nothing read, written or deleted outside the backend, and files kept 0600."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import zstandard

from orgaccess.engine import recovery
from orgaccess.engine.result import Result
from orgaccess.engine.statestore import FileStore

CHECKPOINT = json.dumps({"version": 3, "checkpoint": {"stack": "organization/orgaccess/dev", "latest": {}}}).encode()
KEYS = recovery.Keys("orgaccess", "dev")
ZSTD = recovery.Keys("orgaccess", "dev", ".zst")
BOMB_BYTES = 1 << 30  # 1 GiB of zeros: 16 times the bound, a few dozen KB compressed
MiB = 1 << 20


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    peak_rss_kib: int


def recover_command(project: Path, backend: Path) -> Run:
    """`orgaccess recover --stack dev` in `project` on the file backend `backend`, with its peak RSS."""
    env = {**os.environ, "PULUMI_BACKEND_URL": f"file://{backend}"}
    # A process of its own measures only the command's memory, not that of earlier children.
    measure = (
        "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(done.returncode)"
    )
    command = [sys.executable, "-c", measure, sys.executable, "-m", "orgaccess", "recover", "--stack", "dev"]
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False)
    *said, peak = done.stderr.strip().splitlines()
    return Run(done.returncode, done.stdout, "\n".join(said), int(peak))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text("name: orgaccess\nruntime: python\n")
    return folder


@pytest.fixture
def backend(tmp_path: Path) -> Path:
    folder = tmp_path / "backend"
    folder.mkdir()
    return folder


def put(backend: Path, key: str, content: bytes) -> Path:
    path = backend / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def zstd_bomb() -> bytes:
    compressor = zstandard.ZstdCompressor().compressobj()
    zeros = bytes(MiB)
    return b"".join([*(compressor.compress(zeros) for _ in range(BOMB_BYTES // MiB)), compressor.flush()])


def gzip_bomb() -> bytes:
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: the gzip container
    zeros = bytes(MiB)
    return b"".join([*(compressor.compress(zeros) for _ in range(BOMB_BYTES // MiB)), compressor.flush()])


# Finding 4: a decompression bomb.


@pytest.mark.parametrize(("make", "suffix"), [(zstd_bomb, ".zst"), (gzip_bomb, ".gz")], ids=["zstd", "gzip"])
def test_a_decompression_bomb_is_refused_with_one_message_in_little_memory(
    project: Path, backend: Path, make: Callable[[], bytes], suffix: str
) -> None:
    keys = recovery.Keys("orgaccess", "dev", suffix)
    put(backend, keys.checkpoint, make())
    run = recover_command(project, backend)
    assert run.code == 1
    assert "orgaccess: error:" in run.stderr and "decompresses to more than" in run.stderr
    assert "Traceback" not in run.stderr
    assert run.peak_rss_kib < 400 * 1024


def test_a_checkpoint_within_the_bound_is_read_whole() -> None:
    big = json.dumps({"checkpoint": {"padding": "x" * (recovery.MAX_CHECKPOINT_BYTES - 100)}}).encode()
    assert recovery.decompressed(zstandard.ZstdCompressor().compress(big), "it") == big
    assert recovery.decompressed(gzip.compress(big), "it") == big


# Finding 6: symbolic links in the backend.


def test_a_symlinked_backup_outside_the_backend_is_not_restored(project: Path, backend: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.json"
    outside.write_bytes(CHECKPOINT)
    put(backend, KEYS.checkpoint, b"")
    (backend / KEYS.backup).symlink_to(outside)
    run = recover_command(project, backend)
    assert run.code == 1 and "symbolic link" in run.stderr and "Traceback" not in run.stderr
    assert (backend / KEYS.checkpoint).read_bytes() == b""


def test_a_symlinked_locks_folder_deletes_nothing_outside_the_backend(
    project: Path, backend: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / "keep.json").write_text(json.dumps({"pid": 999_999_999, "hostname": socket.gethostname()}))
    put(backend, KEYS.checkpoint, CHECKPOINT)
    (backend / KEYS.locks).parent.mkdir(parents=True)
    (backend / KEYS.locks.rstrip("/")).symlink_to(outside)
    run = recover_command(project, backend)
    assert run.code == 1 and "symbolic link" in run.stderr and "Traceback" not in run.stderr
    assert (outside / "keep.json").exists()


def test_a_restored_checkpoint_and_the_copy_kept_aside_are_0600(backend: Path) -> None:
    put(backend, KEYS.checkpoint, b"")
    put(backend, KEYS.backup, CHECKPOINT)
    store = FileStore(f"file://{backend}")
    assert recovery.make_readable_state(store, KEYS, found=print, did=print) == KEYS.backup
    written = [path for path in (backend / KEYS.checkpoint).parent.iterdir() if path.name != "dev.json.bak"]
    assert {path.name: oct(path.stat().st_mode & 0o777) for path in written} == {path.name: "0o600" for path in written}


# Finding 7: states the engine never writes.


def test_a_lock_naming_a_negative_pid_is_one_message(project: Path, backend: Path) -> None:
    put(backend, KEYS.checkpoint, CHECKPOINT)
    lock = {"pid": -1, "hostname": socket.gethostname(), "timestamp": datetime.now(UTC).isoformat()}
    put(backend, f"{KEYS.locks}bad.json", json.dumps(lock).encode())
    run = recover_command(project, backend)
    assert run.code == 1 and "cannot be read" in run.stderr and "Traceback" not in run.stderr


@dataclass
class RewritingStack:
    """A stack whose refresh rewrites its checkpoint plain, as an engine run without
    PULUMI_DIY_BACKEND_ZSTD does after a `.json.zst` was restored."""

    project_dir: Path
    backend_url: str
    name: str = "dev"

    def export(self, *, show_secrets: bool = False) -> dict[str, Any]:
        return {}

    def refresh(self, **options: Any) -> Result:
        backend = Path(self.backend_url.removeprefix("file://"))
        put(backend, KEYS.checkpoint, CHECKPOINT)
        (backend / ZSTD.checkpoint).unlink()
        return Result("refresh", 0)


def test_pending_operations_are_read_from_the_checkpoint_the_refresh_wrote(project: Path, backend: Path) -> None:
    put(backend, ZSTD.checkpoint, b"")
    put(backend, ZSTD.backup, zstandard.ZstdCompressor().compress(CHECKPOINT))
    recovered = recovery.recover(RewritingStack(project, f"file://{backend}"))
    assert recovered.restored_from == ZSTD.backup
