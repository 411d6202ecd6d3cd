"""The PostgreSQL state backend against the file backend: one stack's `pulumi up` of the same orgs.

    python -m bench.backends --orgs 200 [--repeat 2]        # in make bench-full

Per size and repeat, on the benchmark's generated fleet (orgaccess/emulator/fleet_scenario.py, 30% drifted, 20 ms per
API call), each a fresh stack brought up from nothing with the engine's defaults:
- `file`: the file backend;
- `postgres`: PostgreSQL as orgaccess runs the engine on it (`orgaccess fleet`, `orgaccess recover`):
  zstd-compressed checkpoints (orgaccess.engine.automation.state_compression);
- `postgresPlain`: PostgreSQL as a plain `pulumi up` with no engine variable runs it, uncompressed.
The runs of one repeat follow each other, so the ratios compare like with like on a loaded machine;
each figure is the best of the repeats. Results: bench/results/backends.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from bench import machine
from bench.profile import RESULTS, profile_size
from bench.projects import REPO
from orgaccess.demo.postgres import running_postgres


def measure(n_orgs: int, repeat: int, latency_ms: int, postgres_url: str) -> dict[str, Any]:
    envs = {
        "file": {},
        "postgres": {"PULUMI_BACKEND_URL": postgres_url},
        "postgresPlain": {"PULUMI_BACKEND_URL": postgres_url, "PULUMI_DIY_BACKEND_ZSTD": "false"},
    }
    runs: dict[str, list[float]] = {backend: [] for backend in envs}
    for attempt in range(repeat):
        for backend, env in envs.items():
            row = profile_size(n_orgs, "up", env, latency_ms, profiling=False, label=f"{backend}{attempt}")
            runs[backend].append(row["seconds"])
            print(f"{n_orgs} orgs, up on {backend}: {row['seconds']} s", flush=True)
    best = {backend: min(seconds) for backend, seconds in runs.items()}
    return {
        "orgs": n_orgs,
        "upSeconds": runs,
        "bestUpSeconds": best,
        "postgresOverFile": round(best["postgres"] / best["file"], 2),
        "postgresPlainOverFile": round(best["postgresPlain"] / best["file"], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.backends", description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[200])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--latency-ms", type=int, default=20)
    options = parser.parse_args(argv)
    load = [round(x, 2) for x in os.getloadavg()]
    with running_postgres() as url:
        sizes = [measure(n, options.repeat, options.latency_ms, url) for n in options.orgs]
    document = {
        "benchmark": "one stack's `pulumi up` from nothing: PostgreSQL against the file backend, engine defaults",
        "latencyMs": options.latency_ms,
        **machine.describe(REPO),
        "loadAverageAtStart": load,
        "sizes": sizes,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "backends.json").write_text(json.dumps(document, indent=2) + "\n")
    print(json.dumps(sizes, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
