"""How `orgaccess recover` ends a dead run's plugin (recovery.end): SIGTERM, SIGKILL after a grace period,
and a process that has exited counts as ended whether or not anyone has reaped it yet."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import psutil
import pytest

from orgaccess.engine import recovery

# Starts its command, waits for it to say it is ready, says its pid, and never reaps it: as a
# dead run's plugin is an orphan that only init reaps, on init's schedule.
_NEGLECTFUL_PARENT = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)\n"
    "child.stdout.readline()\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(600)\n"
)
SLEEPER = "import time; print('ready', flush=True); time.sleep(600)"
DEAF_SLEEPER = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(600)"
)


@contextmanager
def unreaped(program: str) -> Iterator[psutil.Process]:
    """`program` running under a parent that will not reap it; both ended on exit."""
    parent = subprocess.Popen(
        [sys.executable, "-c", _NEGLECTFUL_PARENT, sys.executable, "-c", program], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    try:
        yield psutil.Process(int(parent.stdout.readline()))
    finally:
        for child in psutil.Process(parent.pid).children():
            with suppress(psutil.NoSuchProcess):
                child.kill()
        parent.kill()
        parent.wait()


def test_a_plugin_that_exits_on_sigterm_is_ended_before_anyone_reaps_it() -> None:
    with unreaped(SLEEPER) as plugin:
        started = time.monotonic()
        recovery.end(plugin)
        assert plugin.status() == psutil.STATUS_ZOMBIE
        assert time.monotonic() - started < recovery.END_GRACE_SECONDS


def test_a_plugin_that_ignores_sigterm_is_killed_after_the_grace_period(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recovery, "END_GRACE_SECONDS", 0.3)
    with unreaped(DEAF_SLEEPER) as plugin:
        recovery.end(plugin)
        assert plugin.status() == psutil.STATUS_ZOMBIE
