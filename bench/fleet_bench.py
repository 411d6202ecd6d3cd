"""Fleet benchmark: `preview` of the same orgs as one stack and as a fleet of 8, in the same run.

    python -m bench.fleet_bench --orgs 100 200 [--stacks 8] [--jobs 8] [--latency-ms 0]
    python -m bench.fleet_bench --rate-limit 6 --orgs 200 [--stacks 8] [--jobs 4] [--latency-ms 20]

Per size: one emulator (rate limit lifted, so the engine and orgaccess are what is measured;
optional latency per API call), one PostgreSQL backend, a generated fleet with 30% of the orgs
drifted (orgaccess/emulator/fleet_scenario.py). Both layouts are brought up first, then each is previewed on the
converged fleet, the steady-state drift check that CI runs: every resource is diffed against the
live platform. Results: bench/results/fleet.json, one run per latency (a rerun at the same
latency replaces it): wall seconds and orgs per second, per layout and size.

With `--rate-limit N`: a fleet `up` at N requests a minute per (client, org) against its floor
(bench/ratelimit.py), in `rateLimit` of the same file, one entry per limit and size.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bench import machine
from bench.ratelimit import paced_up
from orgaccess.declarations.access_yaml import load_declarations
from orgaccess.demo.postgres import running_postgres
from orgaccess.dialects import SEED
from orgaccess.emulator.fleet_scenario import ADMIN_ID, ADMIN_SECRET, generate
from orgaccess.emulator.harness import running_emulator
from orgaccess.engine.automation import LOCAL_PASSPHRASE, PROJECT_DIR
from orgaccess.fleet.admission import Jobs
from orgaccess.fleet.layout import StackSpec, fleet_stacks
from orgaccess.fleet.runner import Operation, Outcome, run_fleet, run_stack
from orgaccess.fleet.workspace import Backend, environment
from orgaccess.platform.settings import Settings

RESULTS = PROJECT_DIR / "bench" / "results" / "fleet.json"
WORK = PROJECT_DIR / ".state" / "fleet-bench"
UNTHROTTLED = 10**9


def measure_size(orgs: int, stacks: int, jobs: int, latency_ms: int, postgres_url: str) -> dict[str, Any]:
    fleet = generate(orgs, drift_fraction=0.3, seed=0)
    work = WORK / f"{orgs}-orgs-{time.time_ns()}"
    declarations = work / "access.yaml"
    declarations.parent.mkdir(parents=True)
    declarations.write_text(fleet.declarations_yaml)
    specs = fleet_stacks(load_declarations(declarations, SEED), stacks, SEED)
    single = StackSpec("single", "", tuple(org for spec in specs for org in spec.orgs))
    with running_emulator(fleet.scenario) as emulator:
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED, latencyMs=latency_ms)
        settings = Settings(api_url=emulator.url, client_id=ADMIN_ID, client_secret=SecretStr(ADMIN_SECRET))
        # Separate tables: the two layouts manage the same orgs and must not share state.
        one = Backend(f"{postgres_url}&table=bench_single_{orgs}", LOCAL_PASSPHRASE, work / "single")
        many = Backend(f"{postgres_url}&table=bench_fleet_{orgs}", LOCAL_PASSPHRASE, work / "fleet")

        def single_stack(operation: Operation) -> list[Outcome]:
            env = environment(one, settings)
            return [run_stack(operation, single, declarations=declarations, backend=one, settings=settings, env=env)]

        def whole_fleet(operation: Operation) -> list[Outcome]:
            return run_fleet(
                operation, specs, declarations=declarations, backend=many, settings=settings, jobs=Jobs(jobs)
            )

        figures = {}
        for layout, run in (("oneStack", single_stack), (f"fleetOf{stacks}", whole_fleet)):
            up = _timed(run, Operation.UP)
            preview = _timed(run, Operation.PREVIEW)
            figures[layout] = {"up": up, "preview": preview}
            print(f"{orgs} orgs, {layout}: up {up}, preview {preview}", flush=True)
    one_stack, fleet_of = figures["oneStack"]["preview"], figures[f"fleetOf{stacks}"]["preview"]
    both = "errors" not in one_stack and "errors" not in fleet_of
    return {
        "orgs": orgs,
        "stacks": stacks,
        "jobs": jobs,
        "latencyMs": latency_ms,
        **figures,
        "previewSpeedup": round(one_stack["seconds"] / fleet_of["seconds"], 2) if both else None,
    }


def rate_limited(orgs: int, per_minute: int, stacks: int, jobs: int, latency_ms: int, url: str) -> dict[str, Any]:
    """A drifted fleet's `up` at `per_minute`, against the same `up` with no limit."""
    fleet = generate(orgs, drift_fraction=0.3, seed=0)
    work = WORK / f"{orgs}-orgs-{per_minute}-per-minute-{time.time_ns()}"
    paced = paced_up(fleet, work, url, per_minute=per_minute, stacks=stacks, jobs=Jobs(jobs), latency_ms=latency_ms)
    return {"orgs": orgs, "stacks": stacks, "jobs": jobs, "latencyMs": latency_ms, **paced.figures()}


def _timed(run: Any, operation: Operation) -> dict[str, Any]:
    """Wall time and throughput, or the stacks' errors: a layout that cannot run is a result too."""
    started = time.monotonic()
    outcomes: list[Outcome] = run(operation)
    seconds = time.monotonic() - started
    errors = {o.stack.name: o.error for o in outcomes if o.error}
    if errors:
        return {"seconds": round(seconds, 1), "errors": errors}
    return {
        "seconds": round(seconds, 1),
        "orgsPerSecond": round(sum(len(o.stack.orgs) for o in outcomes) / seconds, 2),
        "slowestStackSeconds": round(max(o.seconds for o in outcomes), 1),
        "changes": sum(o.changed for o in outcomes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--stacks", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=8)
    # Per API call; a real platform is a network away, the emulator on loopback is not.
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--rate-limit", type=int, help="a fleet up at this many requests a minute, against its floor")
    options = parser.parse_args()
    # Other work on the machine skews every figure; this says how much there was.
    load = [round(x, 2) for x in os.getloadavg()]
    document = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    with running_postgres() as url:
        if options.rate_limit:
            for n in options.orgs:
                figures = rate_limited(n, options.rate_limit, options.stacks, options.jobs, options.latency_ms, url)
                print(json.dumps(figures, indent=2), flush=True)
                run = {**machine.describe(PROJECT_DIR), "loadAverageAtStart": load, **figures}
                document.setdefault("rateLimit", {})[f"{options.rate_limit}-per-minute-{n}-orgs"] = run
        else:
            sizes = [measure_size(n, options.stacks, options.jobs, options.latency_ms, url) for n in options.orgs]
            run = {**machine.describe(PROJECT_DIR), "loadAverageAtStart": load, "sizes": sizes}
            document["benchmark"] = "fleet preview: one stack against a fleet of stacks, same orgs, same run"
            document.setdefault("runsByLatencyMs", {})[str(options.latency_ms)] = run
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")
    print(f"wrote {Path(RESULTS).relative_to(PROJECT_DIR)}")


if __name__ == "__main__":
    main()
