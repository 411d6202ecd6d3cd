"""A fleet that outgrows one machine: one CI job per stack, on a shared PostgreSQL backend.

As examples/fleet-matrix.yml runs it, one `orgaccess fleet up --only <stack>` process per stack,
the accounts stack first; here one after another on this machine, so each job's time is its own
(a matrix runs the org stacks at once, on runners of their own). Each job gets a work directory of
its own, as a fresh runner has, and every job shares the backend: a throwaway PostgreSQL cluster
(scripts/postgres.sh, Debian's postgresql) on 127.0.0.1. Then one `fleet drift` of the whole
fleet, the matrix's last job, which must find it clean. The backend's URL holds its password: it
is passed in the environment only, never recorded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.fleet_platform import Login, serving
from orgaccess.demo.postgres import running_postgres
from orgaccess.emulator.fleet_scenario import Fleet
from orgaccess.engine.automation import LOCAL_PASSPHRASE
from orgaccess.fleet.layout import StackSpec

JOB_TIMEOUT_SECONDS = 3600


def one_job_per_stack(
    fleet: Fleet, declarations: Path, login: Login, work: Path, *, specs: list[StackSpec], latency_ms: int
) -> dict[str, Any]:
    """`fleet up --only <stack>` of each of `specs` in turn, then `fleet drift` of them all."""
    org_stacks = sum(not spec.is_accounts for spec in specs)
    with running_postgres() as backend_url, serving(fleet, latency_ms) as emulator:
        env = login.env(emulator.url)
        env |= {"PULUMI_BACKEND_URL": backend_url, "PULUMI_CONFIG_PASSPHRASE": LOCAL_PASSPHRASE}

        def job(name: str, *command: str) -> dict[str, Any]:
            argv = [*command, "-d", str(declarations), "--stacks", str(org_stacks), "--work-dir", str(work / name)]
            return _timed(argv, env, work / f"{name}.log")

        ups = {spec.name: job(spec.name, "up", "--only", spec.name) for spec in specs}
        drift_after = job("drift-after", "drift")
    return _summary(ups, [spec.name for spec in specs if spec.is_accounts], org_stacks, drift_after)


def _summary(
    ups: dict[str, dict[str, Any]], accounts: list[str], org_stacks: int, drift_after: dict[str, Any]
) -> dict[str, Any]:
    """The jobs' figures; where accounts live per org there is no accounts job (0 s)."""
    org_jobs = {name: figures for name, figures in ups.items() if name not in accounts}
    slowest = max(org_jobs, key=lambda name: org_jobs[name]["seconds"])
    return {
        "backend": "postgresql",
        "stacks": org_stacks,
        "jobs": ups,
        "accountsJobSeconds": sum(ups[name]["seconds"] for name in accounts),
        "slowestOrgJob": {"stack": slowest, "seconds": org_jobs[slowest]["seconds"]},
        "allJobsSeconds": round(sum(figures["seconds"] for figures in ups.values()), 1),
        "failedJobs": sorted(name for name, figures in ups.items() if figures["exit"] != 0),
        "driftAfter": drift_after,
    }


def _timed(argv: list[str], env: dict[str, str], log: Path) -> dict[str, Any]:
    """One `orgaccess fleet` process, as a CI job runs it: its wall time and exit code; its output in `log`."""
    started = time.monotonic()
    with log.open("w") as output:
        done = subprocess.run(
            [sys.executable, "-m", "orgaccess", "fleet", *argv],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=JOB_TIMEOUT_SECONDS,
            check=False,
        )
    seconds = round(time.monotonic() - started, 1)
    return {"seconds": seconds, "exit": done.returncode, "loadAverage": round(os.getloadavg()[0], 2)}
