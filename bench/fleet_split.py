"""How to split a fleet: the same drifted orgs run as fleets of more and more stacks, in one run.

    python -m bench.fleet_split --orgs 1000 --stacks 2 4 8 16 [--jobs 4] [--latency-ms 20]
    python -m bench.fleet_split --orgs 5000 --stacks auto 8 --page --rate-limit 6 200 \\
        --results bench/results/fleet-5000.json                                   # make bench-fleet

Per split, on an emulator and a file backend of its own (20 ms per API call, no rate limit,
engine defaults, a third of the orgs drifted): what an operator runs in order, `orgaccess drift`
once per size, then `fleet preview` of the new fleet, `fleet up`, and `fleet drift` after it
(which must be clean). Each figure is the command's wall time and its slowest stack's, which is
what one CI runner of a matrix takes. Results: bench/results/fleet-split.json, one entry per
(orgs, stacks, jobs), with the machine's load. `--page` adds the drift page of each size
(bench/drift_page.py), `--rate-limit N ORGS` a fleet `up` at N requests a minute against its floor
(bench/ratelimit.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bench import drift_page, machine
from bench.ratelimit import paced_up
from bench.rss import PROVIDER, peak_rss
from orgaccess.declarations.access_yaml import fleet_org_ids, load_declarations
from orgaccess.dialects import SEED
from orgaccess.emulator.fleet_scenario import ADMIN_ID, ADMIN_SECRET, Fleet, generate
from orgaccess.emulator.harness import running_emulator
from orgaccess.engine.automation import LOCAL_PASSPHRASE, PROJECT_DIR
from orgaccess.fleet.layout import fleet_stacks
from orgaccess.fleet.runner import Operation, Outcome, run_fleet
from orgaccess.fleet.sizing import sized
from orgaccess.fleet.workspace import Backend
from orgaccess.platform.settings import Settings

RESULTS = PROJECT_DIR / "bench" / "results" / "fleet-split.json"
WORK = PROJECT_DIR / ".state" / "fleet-split"
UNTHROTTLED = 10**9
DRIFT_FRACTION = 1 / 3
# Each process of a stack, by a whole argument of its command line (bench/rss.py).
ROLES = {
    "engine": ("pulumi",),
    "program": ("pulumi-language-python-exec",),
    "provider": PROVIDER,
    "emulator": ("orgaccess.emulator",),
}


def drift_seconds(fleet: Fleet, declarations: Path, latency_ms: int) -> dict[str, Any]:
    """`orgaccess drift` of every org, as a user runs it (a process of its own)."""
    with running_emulator(fleet.scenario) as emulator:
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED, latencyMs=latency_ms)
        env = {
            **os.environ,
            "ORGACCESS_API_URL": emulator.url,
            "ORGACCESS_CLIENT_ID": ADMIN_ID,
            "ORGACCESS_CLIENT_SECRET": ADMIN_SECRET,
        }
        command = [sys.executable, "-m", "orgaccess", "drift", "-d", str(declarations), "--format", "json"]
        started = time.monotonic()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        seconds = time.monotonic() - started
    return {"seconds": round(seconds, 2), "exit": done.returncode}


def split(fleet: Fleet, declarations: Path, work: Path, *, stacks: int, jobs: int, latency_ms: int) -> dict[str, Any]:
    """`fleet preview`, `fleet up`, `fleet drift` of a new fleet of `stacks` org stacks."""
    specs = fleet_stacks(load_declarations(declarations, SEED), stacks)
    (work / "backend").mkdir(parents=True)
    backend = Backend(f"file://{work / 'backend'}", LOCAL_PASSPHRASE, work / "fleet")
    orgs = len(fleet_org_ids(load_declarations(declarations, SEED)))
    figures: dict[str, Any] = {"stacks": stacks, "jobs": jobs, "orgsPerStack": round(orgs / stacks, 1)}
    with running_emulator(fleet.scenario) as emulator:
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED, latencyMs=latency_ms)
        settings = Settings(api_url=emulator.url, client_id=ADMIN_ID, client_secret=SecretStr(ADMIN_SECRET))
        steps = (("preview", Operation.PREVIEW), ("up", Operation.UP), ("driftAfter", Operation.PREVIEW))
        for name, operation in steps:
            with contextlib.ExitStack() as sampling:
                peaks = {role: sampling.enter_context(peak_rss(markers)) for role, markers in ROLES.items()}
                started = time.monotonic()
                outcomes = run_fleet(
                    operation, specs, declarations=declarations, backend=backend, settings=settings, jobs=jobs
                )
                seconds = time.monotonic() - started
            figures[name] = {**_figures(seconds, outcomes), "peakRssMiB": {r: p.mib for r, p in peaks.items()}}
            print(f"{orgs} orgs, {stacks} stacks: {name} {figures[name]}", flush=True)
    return figures


def _figures(seconds: float, outcomes: list[Outcome]) -> dict[str, Any]:
    org_stacks = [o for o in outcomes if not o.stack.is_accounts]
    return {
        "seconds": round(seconds, 1),
        "slowestStackSeconds": round(max(o.seconds for o in org_stacks), 1),
        "accountsStackSeconds": round(sum(o.seconds for o in outcomes if o.stack.is_accounts), 1),
        "changes": sum(o.changed for o in outcomes),
        "errors": {o.stack.name: o.error for o in outcomes if o.error},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[1000])
    parser.add_argument(
        "--stacks", nargs="+", default=["2", "4", "8", "16"], help="org stacks per fleet; `auto`: as orgaccess sizes it"
    )
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--rate-limit", type=int, nargs=2, metavar=("PER_MINUTE", "ORGS"), help="also a paced up")
    parser.add_argument("--page", action="store_true", help="also the drift page of each size, in Chromium")
    parser.add_argument("--results", type=Path, default=RESULTS)
    options = parser.parse_args()
    document = json.loads(options.results.read_text()) if options.results.exists() else {}
    document.update({**machine.describe(PROJECT_DIR), "loadAverageAtStart": [round(x, 2) for x in os.getloadavg()]})
    document["dialect"] = "seed"

    def save() -> None:
        options.results.parent.mkdir(parents=True, exist_ok=True)
        options.results.write_text(json.dumps(document, indent=2) + "\n")

    for orgs in options.orgs:
        fleet = generate(orgs, drift_fraction=DRIFT_FRACTION, seed=0)
        work = WORK / f"{orgs}-{time.time_ns()}"
        work.mkdir(parents=True)
        declarations = work / "access.yaml"
        declarations.write_text(fleet.declarations_yaml)
        drift = drift_seconds(fleet, declarations, options.latency_ms)
        print(f"{orgs} orgs: orgaccess drift {drift}", flush=True)
        document.setdefault("orgaccessDrift", {})[str(orgs)] = {"latencyMs": options.latency_ms, **drift}
        save()
        for given in options.stacks:
            stacks = sized(orgs) if given == "auto" else int(given)
            figures = split(
                fleet, declarations, work / f"{stacks}", stacks=stacks, jobs=options.jobs, latency_ms=options.latency_ms
            )
            runs = document.setdefault("splits", {})
            runs[f"{orgs}-orgs-{stacks}-stacks-{options.jobs}-jobs"] = {
                "orgs": orgs,
                "latencyMs": options.latency_ms,
                "loadAverage": [round(x, 2) for x in os.getloadavg()],
                "chosenByOrgaccess": stacks == sized(orgs),
                **figures,
            }
            save()
        if options.page:
            document.setdefault("driftPage", {})[str(orgs)] = drift_page.measure(orgs, work)
            save()
    if options.rate_limit:
        per_minute, orgs = options.rate_limit
        fleet = generate(orgs, drift_fraction=DRIFT_FRACTION, seed=0)
        work = WORK / f"paced-{time.time_ns()}"
        paced = paced_up(
            fleet,
            work,
            f"file://{work}",
            per_minute=per_minute,
            stacks=8,
            jobs=options.jobs,
            latency_ms=options.latency_ms,
        )
        document["rateLimit"] = {
            "orgs": orgs,
            "stacks": 8,
            "jobs": options.jobs,
            "latencyMs": options.latency_ms,
            **paced.figures(),
        }
        save()
    print(f"wrote {options.results}")


if __name__ == "__main__":
    main()
