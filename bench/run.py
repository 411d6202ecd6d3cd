"""The benchmark: orgaccess against the engine floor and a naive script, at several fleet sizes.

    python -m bench.run --orgs 10 100 [500]        # make bench / make bench-full

One emulator serves every size, with injected latency per call and its default rate limit. Per
size, on a generated fleet with some orgs drifted (orgaccess/emulator/fleet_scenario.py):

- `orgaccess drift` and the naive checklist script (bench/naive.py), on the drifted fleet;
- in each engine mode, first the engine's defaults (what a user who types `pulumi preview` gets),
  then `tuned` (PULUMI_PARALLEL_DIFF and PULUMI_SKIP_CHECKPOINTS set):
  - orgaccess: cold `pulumi preview`, `pulumi up --continue-on-error`, `pulumi preview
    --expect-no-changes` on the converged fleet, `pulumi refresh`;
  - the engine floor: the same four commands on the same resource graph with a no-op provider.

Each state-changing family starts from a freshly loaded scenario, so rate-limit buckets and the
drift are the same for each. Results: bench/results/bench-<N>.json, summary.json, bench.png.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import machine, plot
from bench.measure import Outcome, Step, measure
from bench.process_use import PROVIDER
from bench.projects import FLOOR, FLOOR_ENV, ORGACCESS, REPO, stage
from orgaccess.emulator.fleet_scenario import ADMIN_ID, ADMIN_SECRET, generate
from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine.automation import Stack
from orgaccess.engine.result import Result
from orgaccess.reconciler import checkpoints

RESULTS = REPO / "bench" / "results"
WORK = REPO / ".state" / "bench"
SERVICE_ACCOUNTS = 2
COMMAND_TIMEOUT_SECONDS = 1800


def _outcome(result: Result) -> Outcome:
    return Outcome(result.returncode, result.output)


def _command(argv: list[str], cwd: Path, env: dict[str, str]) -> Callable[[], Outcome]:
    def run() -> Outcome:
        done = subprocess.run(
            argv,
            cwd=cwd,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
            timeout=COMMAND_TIMEOUT_SECONDS,
        )
        return Outcome(done.returncode, done.stdout[-2000:] + done.stderr)

    return run


class Engine:
    """The engine settings under test, identical for orgaccess and the floor."""

    def __init__(self, name: str, parallel: int | None, env: dict[str, str]) -> None:
        self.name = name
        self.options = {"parallel": parallel} if parallel else {}
        self.env = env

    def describe(self) -> dict[str, Any]:
        return {"args": [arg for k, v in self.options.items() for arg in (f"--{k}", str(v))], "env": self.env}

    def session(self, stack: Stack, run: Callable[..., Step], prefix: str) -> dict[str, Step]:
        """Preview from nothing, converge, preview converged, refresh: an operator's first day."""
        steps = [
            ("preview", lambda: stack.preview(**self.options), (0,)),
            ("up", lambda: stack.up(**self.options), (0,)),
            ("previewConverged", lambda: stack.preview(expect_no_changes=True, **self.options), (0,)),
            ("refresh", lambda: stack.refresh(**self.options), (0,)),
        ]
        return {
            name: run(f"{prefix}{name}", lambda act=act: _outcome(act()), expected=expected)
            for name, act, expected in steps
        }


# The engine's two speed switches, read from its environment only (bench/results/profile.md).
TUNED = {"PULUMI_PARALLEL_DIFF": "true", **checkpoints.SKIPPED}


def engines(parallel: int | None, modes: list[str]) -> list[Engine]:
    # Without SKIP_CHECKPOINTS the engine serialises the whole state after every step that changes
    # it, previews included: O(resources x changed steps), see bench/results/profile.md.
    env = {"defaults": {}, "tuned": TUNED}
    return [Engine(mode, parallel, env[mode]) for mode in modes]


def bench_size(n_orgs: int, emu: EmulatorHandle, modes: list[Engine], options: argparse.Namespace) -> dict[str, Any]:
    fleet = generate(n_orgs, options.drift_fraction, options.seed)
    root = WORK / f"n{n_orgs}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    declarations = root / "access.yaml"
    declarations.write_text(fleet.declarations_yaml)
    credentials = {
        "ORGACCESS_API_URL": emu.url,
        "ORGACCESS_CLIENT_ID": ADMIN_ID,
        "ORGACCESS_CLIENT_SECRET": ADMIN_SECRET,
        # The commands run in the scratch directory, beside access.yaml, yet import `bench`.
        "PYTHONPATH": str(REPO),
    }

    def fresh_fleet() -> None:
        # Same drift for every family, and full rate-limit buckets: one family's calls never slow the next.
        emu.load_scenario(fleet.scenario)
        emu.set_faults(latencyMs=options.latency_ms)

    def run(
        name: str,
        action: Callable[[], Outcome],
        *,
        markers: tuple[str, ...] = PROVIDER,
        expected: tuple[int, ...] = (0,),
    ) -> Step:
        return measure(name, action, emulator=emu, n_orgs=n_orgs, markers=markers, expected=expected)

    print(f"== {n_orgs} orgs ({len(fleet.drifted)} drifted)", flush=True)
    steps: dict[str, Step] = {}
    fresh_fleet()
    # `orgaccess drift` exits 2 when it finds drift, as it must here.
    drift_argv = [str(Path(sys.executable).parent / "orgaccess"), "drift", "--format", "json", "-d", str(declarations)]
    steps["drift"] = run("drift", _command(drift_argv, root, credentials), markers=("drift",), expected=(0, 2))
    fresh_fleet()
    naive_argv = [sys.executable, "-m", "bench.naive", str(declarations)]
    steps["naive"] = run("naive", _command(naive_argv, root, credentials), markers=("bench.naive",))

    modes_steps: dict[str, dict[str, Any]] = {}
    for engine in modes:
        print(f"   engine {engine.name}", flush=True)
        fresh_fleet()
        home = root / engine.name
        orgaccess = stage(ORGACCESS, home / "orgaccess")
        stack = Stack(orgaccess, home / "state-orgaccess", "bench", extra_env=engine.env).init()
        stack.set_config("orgaccess:apiUrl", emu.url)
        stack.set_config("orgaccess:clientId", ADMIN_ID)
        stack.set_config("orgaccess:clientSecret", ADMIN_SECRET, secret=True)
        stack.set_config("orgaccess:declarations", str(declarations))
        mode_steps = dict(steps) | engine.session(stack, run, "")

        floor = Stack(
            stage(FLOOR, home / "floor"), home / "state-floor", "bench", extra_env=engine.env | FLOOR_ENV
        ).init()
        floor.set_config("orgaccess:declarations", str(declarations))
        floor_steps = engine.session(floor, run, "floor ")
        mode_steps |= {f"floor{k[0].upper()}{k[1:]}": v for k, v in floor_steps.items()}
        modes_steps[engine.name] = {
            "engine": engine.describe(),
            "steps": {name: step.as_json() for name, step in mode_steps.items()},
        }
    return {
        "orgs": n_orgs,
        # A resource per service account, one per org (orgaccess/desired.per_org), one Convergence check.
        "resources": n_orgs + SERVICE_ACCOUNTS + 1,
        "driftFraction": options.drift_fraction,
        "seed": options.seed,
        "drifted": dict(sorted(fleet.drifted.items())),
        "latencyMs": options.latency_ms,
        "modes": modes_steps,
    }


def summary_row(result: dict[str, Any], mode: str) -> dict[str, Any]:
    steps = result["modes"][mode]["steps"]

    def seconds(name: str) -> float:
        return float(steps[name]["seconds"])

    return {
        "orgs": result["orgs"],
        "mode": mode,
        "preview": seconds("preview"),
        "floorPreview": seconds("floorPreview"),
        "previewOverFloor": round(seconds("preview") / seconds("floorPreview"), 2),
        "up": seconds("up"),
        "floorUp": seconds("floorUp"),
        "previewConverged": seconds("previewConverged"),
        "floorPreviewConverged": seconds("floorPreviewConverged"),
        "refresh": seconds("refresh"),
        "floorRefresh": seconds("floorRefresh"),
        "drift": seconds("drift"),
        "naive": seconds("naive"),
        "driftSpeedup": round(seconds("naive") / seconds("drift"), 1),
        "previewCallsPerOrg": steps["preview"]["api"]["calls_per_org"],
        "previewConvergedCallsPerOrg": steps["previewConverged"]["api"]["calls_per_org"],
        "driftCallsPerOrg": steps["drift"]["api"]["calls_per_org"],
        "naiveCallsPerOrg": steps["naive"]["api"]["calls_per_org"],
        "callBudgetPerOrg": 3 + SERVICE_ACCOUNTS,
        "rateLimitedUnhonoured": sum(step["api"]["rate_limited_unhonoured"] for step in steps.values()),
        "rateLimited": {
            name: step["api"]["rate_limited"] for name, step in steps.items() if step["api"]["rate_limited"]
        },
        "failedSteps": [name for name, step in steps.items() if step["failure"]],
        "previewPeakRssMiB": steps["preview"]["peak_rss_mib"],
        "upPeakRssMiB": steps["up"]["peak_rss_mib"],
    }


def defaults_over_tuned(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per size measured in both modes: how much slower the engine's defaults are than tuned."""
    by_mode = {(row["orgs"], row["mode"]): row for row in rows}
    return [
        {"orgs": n, **{key: round(row[key] / tuned[key], 2) for key in ("preview", "up", "previewConverged")}}
        for (n, mode), row in sorted(by_mode.items())
        if mode == "defaults" and (tuned := by_mode.get((n, "tuned")))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--drift-fraction", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--parallel", type=int, default=None, help="pulumi --parallel (default: the engine's)")
    parser.add_argument(
        "--modes",
        nargs="+",
        choices=("defaults", "tuned"),
        default=["defaults", "tuned"],
        help="engine modes, in this order: defaults (no engine variable), tuned (PARALLEL_DIFF, SKIP_CHECKPOINTS)",
    )
    parser.add_argument(
        "--engine-defaults",
        dest="modes",
        action="store_const",
        const=["defaults"],
        help="the engine's defaults only (same as --modes defaults)",
    )
    parser.add_argument("--results", type=Path, default=RESULTS)
    options = parser.parse_args(argv)
    modes = engines(options.parallel, options.modes)
    about = machine.describe(REPO)
    options.results.mkdir(parents=True, exist_ok=True)
    started = time.time()
    rows = []
    with running_emulator(generate(1).scenario) as emu:
        for n_orgs in sorted(options.orgs):
            result = {**bench_size(n_orgs, emu, modes, options), **about}
            (options.results / f"bench-{n_orgs}.json").write_text(json.dumps(result, indent=2) + "\n")
            rows += [summary_row(result, engine.name) for engine in modes]
    summary = {
        **about,
        "engines": {engine.name: engine.describe() for engine in modes},
        "latencyMs": options.latency_ms,
        "seconds": round(time.time() - started, 1),
        "rows": rows,
        "defaultsOverTuned": defaults_over_tuned(rows),
    }
    (options.results / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    title = (
        f"orgaccess, {options.latency_ms} ms per API call - {about['machine']['nproc']} CPUs, {about['machine']['cpu']}"
    )
    plot.plot(rows, title, options.results / "bench.png")
    print(json.dumps(rows, indent=2))
    return 1 if any(row["failedSteps"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
