"""Processes as a killed `pulumi up` leaves them, and look-alikes that recovery must leave alone.

Pulumi starts each plugin in the project directory, in a process group of its own (`setpgid`,
sdk/go/common/util/cmdutil RegisterProcessGroup), after it locked the stack; when the engine dies
the kernel hands the plugins to init. `dead_run_plugin` does exactly that with a stand-in engine
that is then killed. Every process started here is ended when its block exits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import psutil

from orgaccess.engine import recovery

# Starts its command as Pulumi starts a plugin, says the plugin's pid, and waits to be killed.
_ENGINE = (
    "import subprocess, sys, time\n"
    "plugin = subprocess.Popen(sys.argv[2:], cwd=sys.argv[1], process_group=0,"
    " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(plugin.pid, flush=True)\n"
    "time.sleep(600)\n"
)


@contextmanager
def plugin_executable() -> Iterator[Path]:
    """`pulumi-resource-fake`, an executable that sleeps for the seconds it is given, in a folder
    any user can reach (so that another user can run it too)."""
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        executable = Path(folder) / "pulumi-resource-fake"
        executable.symlink_to("/bin/sleep")
        yield executable


@contextmanager
def dead_run_plugin(cwd: Path, command: Sequence[str]) -> Iterator[tuple[int, psutil.Process]]:
    """`command` started in `cwd` by a stand-in engine as Pulumi starts plugins, then the engine
    killed with SIGKILL: yields the dead engine's pid (the one its lock names) and the plugin."""
    engine = subprocess.Popen([sys.executable, "-c", _ENGINE, str(cwd), *command], stdout=subprocess.PIPE, text=True)
    assert engine.stdout is not None
    plugin = _exec_done(psutil.Process(int(engine.stdout.readline())))
    engine.send_signal(signal.SIGKILL)
    engine.wait()
    try:
        yield engine.pid, plugin
    finally:
        _stop(plugin)


@contextmanager
def started(cwd: Path, command: Sequence[str], **options: object) -> Iterator[psutil.Process]:
    """`command` started in `cwd` by the test itself (not by an engine)."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **options)  # type: ignore[call-overload]
    try:
        yield _exec_done(psutil.Process(process.pid))
    finally:
        process.kill()
        process.wait()


def _exec_done(process: psutil.Process) -> psutil.Process:
    """`process` once its exec is complete. Popen returns, and an engine learns the pid, as soon as
    the exec has closed the inherited pipes; the new program's arguments are set up after that, and
    until then the kernel shows an empty command line (no plugin, to recovery)."""
    deadline = time.monotonic() + 10
    while not process.cmdline():
        if time.monotonic() > deadline:
            raise TimeoutError(f"process {process.pid} did not finish its exec within 10 s")
        time.sleep(0.001)
    return process


def _stop(process: psutil.Process) -> None:
    """SIGKILL, and wait until it is dead. Not until it is gone: an orphan is reaped by init, on
    its own schedule (every two seconds on a Firecracker guest)."""
    with suppress(psutil.NoSuchProcess):
        process.kill()
    recovery.exited_within(process, 10)
