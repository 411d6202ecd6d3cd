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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import psutil

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
    plugin = psutil.Process(int(engine.stdout.readline()))
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
        yield psutil.Process(process.pid)
    finally:
        process.kill()
        process.wait()


def _stop(process: psutil.Process) -> None:
    with suppress(psutil.NoSuchProcess):
        process.kill()
        process.wait(timeout=10)
