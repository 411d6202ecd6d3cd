"""Where and with what a benchmark ran, so that figures from different runs can be compared."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psutil

from orgaccess.engine.automation import engine_bin_dir


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _output(argv: list[str], cwd: Path | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False, timeout=60)
    return done.stdout.strip() if done.returncode == 0 else "unknown"


def describe(repo: Path) -> dict[str, Any]:
    sha = _output(["git", "rev-parse", "HEAD"], repo)
    dirty = _output(["git", "status", "--porcelain", "--untracked-files=no"], repo)
    return {
        "machine": {
            "nproc": os.cpu_count(),
            "memoryGiB": round(psutil.virtual_memory().total / 2**30, 1),
            "cpu": _cpu_model(),
            "platform": platform.platform(),
        },
        "versions": {
            "pulumi": _output([str(engine_bin_dir() / "pulumi"), "version"]),
            "pulumiPythonSdk": version("pulumi"),
            "python": platform.python_version(),
            "orgaccess": sha + ("-dirty" if dirty not in ("", "unknown") else ""),
        },
    }


def pace() -> float:
    """CPU seconds this machine takes now for a fixed piece of work (the best of three runs).

    Its cores are shared with other machines' work: the same code's figures have differed by half
    from one hour to the next. Figures of two runs compare in proportion to their paces, as far as
    they are CPU's; the work is JSON and plain Python, as an emulator's and a client's are."""
    best = math.inf
    for _ in range(3):
        started = time.process_time()
        _fixed_work()
        best = min(best, time.process_time() - started)
    return round(best, 3)


def _fixed_work() -> None:
    roles = [{"name": f"role-{n}", "permissions": [f"domain:entity-{n}:view"] * 5} for n in range(5)]
    document = {"orgs": [{"id": f"org-{n}", "roles": roles} for n in range(200)]}
    for _ in range(50):
        json.loads(json.dumps(document))
    sum(len(str(n).split("1")) for n in range(1_000_000))
