"""Building on purpose each state a killed `pulumi up` can leave in a backend, for the recovery specs."""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import zstandard

from orgaccess.engine import recovery
from orgaccess.engine.automation import PROJECT_DIR, Stack
from orgaccess.engine.result import Result
from orgaccess.engine.statestore import StateStore, open_store
from tests.dead_run import dead_run_plugin
from tests.reliability.support import FleetRun, duplicate_roles, grant_differences, start_up


def store_of(stack: Stack) -> StateStore:
    return open_store(stack.backend_url)


def keys(stack: Stack) -> recovery.Keys:
    return recovery.keys_of(stack, store_of(stack))


def put_lock(stack: Stack, pid: int, *, hostname: str | None = None, age: timedelta = timedelta(0)) -> str:
    """A lock as `pulumi up` writes it, by `pid`, taken `age` ago; its key."""
    key = f"{keys(stack).locks}{uuid.uuid4()}.json"
    content = {
        "pid": pid,
        "username": "ci",
        "hostname": hostname or socket.gethostname(),
        "timestamp": (datetime.now(UTC) - age).isoformat(),
    }
    store_of(stack).write(key, json.dumps(content).encode())
    return key


def a_dead_pid() -> int:
    """The pid of a process that has exited."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


@contextmanager
def sleeping() -> Iterator[subprocess.Popen[bytes]]:
    """A live process of this host, ended on exit."""
    process = subprocess.Popen(["sleep", "300"])
    try:
        yield process
    finally:
        process.kill()
        process.wait()


@contextmanager
def provider_process(stack: Stack, cwd: Path) -> Iterator[psutil.Process]:
    """`python -m pulumi.dynamic` started in `cwd` as the engine starts it, by a run that took the
    stack's lock and was then killed: what a killed run leaves. Ended on exit if still running."""
    with dead_run_plugin(cwd, [sys.executable, "-m", "pulumi.dynamic"]) as (engine, plugin):
        put_lock(stack, engine, age=timedelta(seconds=1))
        yield plugin


def make_pending_create(stack: Stack) -> str:
    """Moves a resource no other depends on from the state to a pending create (the platform keeps
    the object): what a run killed between a create's call and its answer leaves. Its URN.

    Written into the checkpoint directly, as the engine does: `pulumi stack import` drops pending
    operations."""
    store, key = store_of(stack), keys(stack).checkpoint
    original = store.read(key)
    document = json.loads(recovery.decompressed(original, key))
    deployment = document["checkpoint"]["latest"]
    depended_on = {urn for r in deployment["resources"] for urn in r.get("dependencies", [])}
    leaf = next(
        r
        for r in reversed(deployment["resources"])
        if r["type"].startswith("pulumi-python:dynamic") and r["urn"] not in depended_on
    )
    deployment["resources"].remove(leaf)
    deployment["pending_operations"] = [{"resource": leaf, "type": "creating"}]
    store.write(key, compressed_like(original, json.dumps(document).encode()))
    return str(leaf["urn"])


def compressed_like(original: bytes, content: bytes) -> bytes:
    """`content` in the form of the checkpoint it replaces: the engine reads a stack's file by its name."""
    if original.startswith(recovery.ZSTD_MAGIC):
        return zstandard.ZstdCompressor().compress(content)
    return gzip.compress(content) if original.startswith(recovery.GZIP_MAGIC) else content


def converged(fleet: FleetRun) -> list[str]:
    """What keeps the fleet from being exactly as declared, from the platform and from a preview."""
    with fleet.admin() as admin:
        doubles = duplicate_roles(admin, fleet.declarations)
        problems = [f"duplicate roles: {doubles}"] if doubles else []
        problems += grant_differences(admin, fleet.declarations)
    preview = fleet.stack.preview(expect_no_changes=True, refresh=True)
    if preview.returncode != 0:
        problems.append(preview.output[-3000:])
    return problems


def recover_cli(stack: Stack, *args: str) -> Result:
    """`orgaccess recover ARGS` run as a person would: in the project directory, with the stack's
    environment (PULUMI_BACKEND_URL, passphrase, PULUMI_HOME) and nothing else."""
    done = subprocess.run(
        [sys.executable, "-m", "orgaccess", "recover", *args],
        cwd=stack.project_dir,
        env={**stack.env(), "PYTHONPATH": str(PROJECT_DIR)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return Result(" ".join(("recover", *args)), done.returncode, done.stdout, done.stderr)


@contextmanager
def killed_at_first_write(stack: Stack, path: Path) -> Iterator[subprocess.Popen[str]]:
    """`pulumi up --refresh` under strace, SIGKILLed at its first write(2) into `path` (the write itself
    fails): what a kill at that instant leaves. Yields strace, which stays attached to the dead run's
    plugins until they end; it is ended on exit."""
    kill = ["-P", str(path), "-e", "trace=write", "-e", "inject=write:error=EIO:signal=KILL:when=1"]
    strace = ["strace", "-f", "-o", "/dev/null", *kill]
    tracer = start_up(stack, "--refresh", under=strace, output=subprocess.DEVNULL)
    try:
        # strace lives on while the dead run's plugins do, and reaps its pulumi at once.
        if not recovery.exited_within(_traced_pulumi(tracer), 300):
            raise TimeoutError("the traced pulumi was not killed")
        yield tracer
    finally:
        if tracer.returncode is None:  # a reaped tracer's pid, and group id, may be a stranger's by now
            with suppress(ProcessLookupError):
                os.killpg(tracer.pid, signal.SIGKILL)
        # The dead run's plugins, if the test did not get to recover: strace waits for them.
        for plugin in recovery.leftover_plugins(stack.project_dir, recovery.locks(stack)):
            with suppress(psutil.NoSuchProcess):
                plugin.kill()
        tracer.wait(timeout=60)


def _traced_pulumi(tracer: subprocess.Popen[str]) -> psutil.Process:
    """strace's child: the `pulumi` it runs."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for child in psutil.Process(tracer.pid).children():
            with suppress(psutil.NoSuchProcess):
                if child.name() == "pulumi":
                    return child
        time.sleep(0.02)
    raise TimeoutError("strace started no pulumi")
