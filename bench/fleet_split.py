"""How to split a fleet: the same drifted orgs run as fleets of more and more stacks, in one run.

    python -m bench.fleet_split --orgs 1000 --stacks 2 4 8 16 [--jobs 4] [--latency-ms 20]
    python -m bench.fleet_split --orgs 1000 --stacks auto 8 --platform genesys-cloud
    python -m bench.fleet_split --orgs 5000 --stacks auto 8 --platform seed genesys-cloud --page \\
        --rate-limit 6 200 --postgres-jobs --results bench/results/fleet-5000.json   # make bench-fleet

Per dialect (`--platform`, seed unless given; orgaccess/emulator/fleet_scenario.py generates the
fleet of each: on genesys-cloud an admin client per org, from one credentials file) and split, on
an emulator and a file backend of its own (20 ms per API call, no rate limit, engine defaults, a
third of the orgs drifted): what an operator runs in order, `orgaccess drift` per size (the median
of three runs, each kept), then `fleet preview` of the new fleet, `fleet up`, and `fleet drift`
after it (which must be clean).
Each figure is the command's wall time and its slowest stack's, which is what one CI runner of a
matrix takes. Results: bench/results/fleet-split.json, one entry per (dialect, orgs, stacks, jobs)
naming its dialect, with the machine's load; the seed's keys are as they always were
(`splits["1000-orgs-8-stacks-4-jobs"]`), another dialect's start with its name
(`splits["genesys-cloud-1000-orgs-8-stacks-4-jobs"]`). `--page` adds the drift page of each size
(bench/drift_page.py), `--rate-limit N ORGS` a fleet `up` at N requests a minute against its floor
(bench/ratelimit.py; seed only, see RATE_LIMIT_ON_GENESYS), `--postgres-jobs [STACKS]` the same
fleet as one CI job per stack on PostgreSQL, split as orgaccess sizes it unless STACKS says
(bench/fleet_jobs.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import drift_page, machine
from bench.fleet_jobs import one_job_per_stack
from bench.fleet_platform import Login, dialect, fleet_login, serving
from bench.process_use import PROVIDER, process_use
from bench.ratelimit import paced_up
from orgaccess.declarations.access_yaml import fleet_org_ids, load_declarations
from orgaccess.emulator.api import Api
from orgaccess.emulator.fleet_scenario import Fleet, generate
from orgaccess.engine.automation import LOCAL_PASSPHRASE, PROJECT_DIR, private_dir
from orgaccess.fleet.admission import DEFAULT, Jobs
from orgaccess.fleet.layout import fleet_stacks
from orgaccess.fleet.runner import Operation, Outcome, run_fleet
from orgaccess.fleet.sizing import sized
from orgaccess.fleet.workspace import Backend

RESULTS = PROJECT_DIR / "bench" / "results" / "fleet-split.json"
# Holds each genesys-cloud fleet's credentials file (0600): never under bench/results.
WORK = PROJECT_DIR / ".state" / "fleet-split"
DRIFT_FRACTION = 1 / 3
# The drift is a few seconds of a CPU-bound machine whose speed varies by a tenth from one minute to
# the next: its median of three says more than one run, and each run is kept.
DRIFT_RUNS = 3
RATE_LIMIT_STACKS = 8
# Each process of a stack, by a whole argument of its command line (bench/process_use.py).
ROLES = {
    "engine": ("pulumi",),
    "program": ("pulumi-language-python-exec",),
    "provider": PROVIDER,
    "emulator": ("orgaccess.emulator",),
}
DRIFT_ROLES = {"emulator": ROLES["emulator"]}
RATE_LIMIT_ON_GENESYS = (
    "not measured: the figure is the stacks' shared bucket at a binding limit in the home org, which every "
    "stack calls with the one admin account; on genesys-cloud each org is called with its own admin client, "
    "so there is no org whose bucket every stack spends"
)


def drift_seconds(declarations: Path, fleet: Fleet, login: Login, latency_ms: int) -> dict[str, Any]:
    """`orgaccess drift` of every org, as a user runs it (a process of its own), DRIFT_RUNS times: the
    median run's figures, and every run's seconds and `machine.pace` just before and after it."""
    runs = sorted((_drift_once(declarations, fleet, login, latency_ms) for _ in range(DRIFT_RUNS)), key=_seconds)
    median = runs[len(runs) // 2]
    return {**median, "runs": [run["seconds"] for run in runs], "paces": [run["paceSeconds"] for run in runs]}


def _seconds(run: dict[str, Any]) -> float:
    return float(run["seconds"])


def _drift_once(declarations: Path, fleet: Fleet, login: Login, latency_ms: int) -> dict[str, Any]:
    with serving(fleet, latency_ms) as emulator:
        paces = [machine.pace()]
        command = [sys.executable, "-m", "orgaccess", "drift", "-d", str(declarations), "--format", "json"]
        with process_use(DRIFT_ROLES) as use:
            started = time.monotonic()
            done = subprocess.run(command, env=login.env(emulator.url), capture_output=True, text=True, check=False)
            seconds = time.monotonic() - started
        paces.append(machine.pace())
    # `other`: the command's own process and those reading its shares of the orgs.
    return {"seconds": round(seconds, 2), "exit": done.returncode, "cpuSeconds": use.cpu_seconds, "paceSeconds": paces}


def split(
    fleet: Fleet,
    declarations: Path,
    login: Login,
    work: Path,
    *,
    stacks: int,
    jobs: Jobs,
    latency_ms: int,
) -> dict[str, Any]:
    """`fleet preview`, `fleet up`, `fleet drift` of a new fleet of `stacks` org stacks."""
    decls = load_declarations(declarations, dialect(fleet))
    specs = fleet_stacks(decls, stacks, dialect(fleet))
    (work / "backend").mkdir(parents=True)
    backend = Backend(f"file://{work / 'backend'}", LOCAL_PASSPHRASE, work / "fleet")
    orgs = len(fleet_org_ids(decls))
    figures: dict[str, Any] = {
        "stacks": stacks,
        "jobs": jobs.at_once,
        "extraJobs": jobs.idle_extra,
        "orgsPerStack": round(orgs / stacks, 1),
    }
    with serving(fleet, latency_ms) as emulator:
        settings = login.settings(emulator.url)
        steps = (("preview", Operation.PREVIEW), ("up", Operation.UP), ("driftAfter", Operation.PREVIEW))
        for name, operation in steps:
            with process_use(ROLES) as use:
                started = time.monotonic()
                outcomes = run_fleet(
                    operation,
                    specs,
                    declarations=declarations,
                    backend=backend,
                    settings=settings,
                    jobs=jobs,
                )
                seconds = time.monotonic() - started
            figures[name] = {**_figures(seconds, outcomes), "peakRssMiB": use.peak_mib, "cpuSeconds": use.cpu_seconds}
            print(f"{_label(fleet.api, orgs)}, {stacks} stacks: {name} {figures[name]}", flush=True)
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


def _label(api: Api, orgs: int) -> str:
    # The seed's lines read as they always did.
    return f"{orgs} orgs" if api is Api.SEED else f"{orgs} orgs on {api.value}"


def _stacks(given: str, orgs: int, api: Api) -> int:
    return sized(orgs) if given == "auto" else int(given)


class Results:
    """The results file, saved after every entry, so a long run that stops keeps what it measured."""

    def __init__(self, path: Path, platforms: list[Api]) -> None:
        self.path = path
        self.document: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
        self.document.update(machine.describe(PROJECT_DIR))
        self.document["loadAverageAtStart"] = [round(x, 2) for x in os.getloadavg()]
        # Each entry names its dialect; the file says which it holds.
        self.document.pop("dialect", None)
        self.document["dialects"] = sorted({*self.document.get("dialects", []), *(p.value for p in platforms)})

    def add(self, api: Api, section: str, key: str, entry: dict[str, Any]) -> None:
        """`entry` as `section[key]`; the key of a dialect other than the seed starts with its name."""
        self._save(self.document.setdefault(section, {}), _named(api, key), self._stamped(api, entry))

    def put(self, api: Api, name: str, entry: dict[str, Any]) -> None:
        """`entry` as the document's own `name` (a dialect other than the seed's starting with its name)."""
        self._save(self.document, _named(api, name), self._stamped(api, entry))

    def _stamped(self, api: Api, entry: dict[str, Any]) -> dict[str, Any]:
        # The dialects run as separate targets into one file: each entry says which code it measured.
        return {"dialect": api.value, "orgaccess": self.document["versions"]["orgaccess"], **entry}

    def _save(self, into: dict[str, Any], key: str, entry: dict[str, Any]) -> None:
        into[key] = entry
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.document, indent=2) + "\n")


def _named(api: Api, key: str) -> str:
    return key if api is Api.SEED else f"{api.value}-{key}"


def measure_size(api: Api, orgs: int, options: argparse.Namespace, results: Results) -> None:
    """Every figure of one fleet size on one dialect: drift, each split, the page, the CI jobs."""
    fleet = generate(orgs, drift_fraction=DRIFT_FRACTION, seed=0, api=api)
    work = private_dir(WORK / f"{api.value}-{orgs}-{time.time_ns()}")
    declarations = work / "access.yaml"
    declarations.write_text(fleet.declarations_yaml)
    login = fleet_login(fleet, work)
    drift = drift_seconds(declarations, fleet, login, options.latency_ms)
    print(f"{_label(api, orgs)}: orgaccess drift {drift}", flush=True)
    results.add(api, "orgaccessDrift", str(orgs), {"latencyMs": options.latency_ms, **drift})
    # `auto 8` at 1,200 orgs is one split, run once.
    for stacks in dict.fromkeys(_stacks(given, orgs, api) for given in options.stacks):
        at = work / f"{stacks}"
        figures = split(
            fleet,
            declarations,
            login,
            at,
            stacks=stacks,
            jobs=Jobs(options.jobs, options.extra_jobs),
            latency_ms=options.latency_ms,
        )
        entry = {
            "orgs": orgs,
            "latencyMs": options.latency_ms,
            "loadAverage": [round(x, 2) for x in os.getloadavg()],
            "chosenByOrgaccess": stacks == sized(orgs),
            **figures,
        }
        results.add(api, "splits", f"{orgs}-orgs-{stacks}-stacks-{options.jobs}-jobs", entry)
    if options.page:
        results.add(api, "driftPage", str(orgs), drift_page.measure(fleet, private_dir(work / "page")))
    if options.postgres_jobs:
        stacks = _stacks(options.postgres_jobs, orgs, api)
        specs = fleet_stacks(load_declarations(declarations, dialect(fleet)), stacks, dialect(fleet))
        jobs_work = private_dir(work / f"postgres-{stacks}")
        figures = one_job_per_stack(fleet, declarations, login, jobs_work, specs=specs, latency_ms=options.latency_ms)
        print(f"{_label(api, orgs)}, {stacks} stacks, one job each on PostgreSQL: {figures}", flush=True)
        results.add(api, "postgresJobs", f"{orgs}-orgs-{stacks}-stacks", {"orgs": orgs, **figures})


def measure_rate_limit(api: Api, options: argparse.Namespace, results: Results) -> None:
    """A fleet `up` at a binding rate limit against its floor (bench/ratelimit.py), where it applies."""
    per_minute, orgs = options.rate_limit
    if api is not Api.SEED:
        print(f"{_label(api, orgs)}: rate limit {RATE_LIMIT_ON_GENESYS}", flush=True)
        results.put(api, "rateLimit", {"orgs": orgs, "measured": False, "why": RATE_LIMIT_ON_GENESYS})
        return
    fleet = generate(orgs, drift_fraction=DRIFT_FRACTION, seed=0, api=api)
    work = private_dir(WORK / f"paced-{time.time_ns()}")
    paced = paced_up(
        fleet,
        work,
        f"file://{work}",
        per_minute=per_minute,
        stacks=RATE_LIMIT_STACKS,
        jobs=Jobs(options.jobs, options.extra_jobs),
        latency_ms=options.latency_ms,
    )
    figures = {
        "orgs": orgs,
        "stacks": RATE_LIMIT_STACKS,
        "jobs": options.jobs,
        "extraJobs": options.extra_jobs,
        "latencyMs": options.latency_ms,
    }
    results.put(api, "rateLimit", {**figures, **paced.figures()})


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[1000])
    parser.add_argument(
        "--stacks", nargs="+", default=["2", "4", "8", "16"], help="org stacks per fleet; `auto`: as orgaccess sizes it"
    )
    parser.add_argument("--jobs", type=int, default=DEFAULT.at_once)
    parser.add_argument(
        "--extra-jobs",
        type=int,
        default=DEFAULT.idle_extra,
        help="stacks beyond --jobs while the machine is idle; the default is `orgaccess fleet`'s without --jobs",
    )
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument(
        "--platform", type=Api, nargs="+", default=[Api.SEED], choices=list(Api), help="the dialects, in turn"
    )
    parser.add_argument("--rate-limit", type=int, nargs=2, metavar=("PER_MINUTE", "ORGS"), help="also a paced up")
    parser.add_argument("--page", action="store_true", help="also the drift page of each size, in Chromium")
    parser.add_argument(
        "--postgres-jobs",
        nargs="?",
        const="auto",
        metavar="STACKS",
        help="also `fleet up --only <stack>`, one process per stack in turn, on PostgreSQL (default split: auto)",
    )
    parser.add_argument("--results", type=Path, default=RESULTS)
    return parser


def main() -> None:
    options = _parser().parse_args()
    results = Results(options.results, options.platform)
    for api in options.platform:
        for orgs in options.orgs:
            measure_size(api, orgs, options, results)
        if options.rate_limit:
            measure_rate_limit(api, options, results)
    print(f"wrote {options.results}")


if __name__ == "__main__":
    main()
