"""One measured step: wall time, what the platform saw, and the peak memory of the worker process."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from bench.audit import Window
from bench.process_use import process_use
from orgaccess.emulator.harness import EmulatorHandle

OUTPUT_TAIL_LINES = 15


@dataclass(frozen=True)
class Outcome:
    returncode: int
    output: str


@dataclass(frozen=True)
class Step:
    name: str
    seconds: float
    returncode: int
    peak_rss_mib: float
    api: Window
    # The end of the output of a step that failed, to tell why without rerunning.
    failure: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


# The measured worker process's role (bench/process_use.py).
WORKER = "worker"


def measure(
    name: str,
    action: Callable[[], Outcome],
    *,
    emulator: EmulatorHandle,
    n_orgs: int,
    markers: tuple[str, ...],
    expected: tuple[int, ...] = (0,),
) -> Step:
    before = emulator.audit_count()
    with process_use({WORKER: markers}) as use:
        start = time.perf_counter()
        outcome = action()
        seconds = time.perf_counter() - start
    window = Window.of(emulator.audit(since=before), n_orgs)
    failed = outcome.returncode not in expected
    failure = "\n".join(outcome.output.strip().splitlines()[-OUTPUT_TAIL_LINES:]) if failed else ""
    step = Step(name, round(seconds, 2), outcome.returncode, use.peak_mib[WORKER], window, failure)
    print(
        f"  {name:<22} {step.seconds:8.2f}s  rc={step.returncode:<3} "
        f"calls/org={window.calls_per_org:<6} 429s={window.rate_limited:<4} rss={step.peak_rss_mib}MiB",
        flush=True,
    )
    if failure:
        print("    " + failure.replace("\n", "\n    "), flush=True)
    return step
