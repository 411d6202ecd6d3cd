"""The fleet bench's sampler: each role's CPU seconds during the measured step, and its peak memory."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.process_use import OTHER, SAMPLE_SECONDS, SELF, process_use

BURN = "import sys, time\nend = time.process_time() + float(sys.argv[1])\nwhile time.process_time() < end: pass\n"
ROLES = {"burner": ("burner-marker",)}


def _burn(seconds: float, *, then_sleep: float = 0.0) -> subprocess.Popen[bytes]:
    # Says when it has burnt its CPU, however long a busy machine makes that take.
    code = BURN + f"print('burnt', flush=True)\ntime.sleep({then_sleep})\n"
    return subprocess.Popen([sys.executable, "-c", code, str(seconds), "burner-marker"], stdout=subprocess.PIPE)


def test_a_child_started_in_the_step_counts_its_cpu_under_its_role() -> None:
    with process_use(ROLES) as use:
        _burn(1.0).wait()
    # Ending between two samples, it loses what it spent since the last one: an interval, or about
    # twice that where a busy machine keeps the sampler waiting for a core.
    assert 1.0 - 2 * SAMPLE_SECONDS <= use.cpu_seconds["burner"] <= 1.2
    assert use.peak_mib["burner"] > 0


def test_a_process_alive_before_the_step_counts_only_what_it_spends_in_it() -> None:
    burner = _burn(0.5, then_sleep=1.5)
    assert burner.stdout is not None
    burner.stdout.readline()  # it has spent its CPU, and sleeps through the step
    try:
        with process_use(ROLES) as use:
            time.sleep(0.3)
    finally:
        burner.kill()
        burner.wait()
    assert use.cpu_seconds["burner"] < 0.1


def test_the_measuring_process_and_unnamed_children_are_counted_apart() -> None:
    with process_use(ROLES) as use:
        end = time.process_time() + 0.3
        while time.process_time() < end:
            pass
        subprocess.run([sys.executable, "-c", BURN, "0.3"], check=True)
    assert use.cpu_seconds[SELF] >= 0.25
    assert use.cpu_seconds[OTHER] >= 0.1
    assert use.cpu_seconds["burner"] == 0.0
