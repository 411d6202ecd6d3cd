"""What the shape of a resource's properties costs the engine: the floor program, two shapes.

    python -m bench.floor_shape --orgs 500            # results: bench/results/floor-shape.json

A cold `pulumi preview` (engine defaults) of the floor program (bench/floor_program: the real
program's resources with a no-op provider) for the benchmark's generated fleet, once with each
org's objects as nested lists and maps (orgaccess 0.2 before `spec`) and once as the one JSON
string `spec` that orgaccess sends. The engine walks every property value each time it saves
the state, after every step that changes it, so the first shape costs more per save.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time

from bench import machine
from bench.projects import FLOOR, FLOOR_ENV, REPO, stage
from orgaccess.emulator.fleet_scenario import generate
from orgaccess.engine.automation import Stack

RESULTS = REPO / "bench" / "results"
WORK = REPO / ".state" / "bench-floor-shape"
SHAPES = ("nested", "spec")


def preview_seconds(n_orgs: int, shape: str) -> float:
    root = WORK / f"{n_orgs}-{shape}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    declarations = root / "access.yaml"
    declarations.write_text(generate(n_orgs, 0.3, 0).declarations_yaml)
    stack = Stack(stage(FLOOR, root / "floor"), root / "state", "bench", extra_env=FLOOR_ENV).init()
    stack.set_config("orgaccess:declarations", str(declarations))
    stack.set_config("orgaccess:floorShape", shape)
    started = time.monotonic()
    stack.preview().check()
    return round(time.monotonic() - started, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[500])
    options = parser.parse_args()
    rows = [{"orgs": n, **{shape: preview_seconds(n, shape) for shape in SHAPES}} for n in options.orgs]
    for row in rows:
        print(json.dumps(row), flush=True)
    document = {"machine": machine.describe(REPO), "rows": rows}
    (RESULTS / "floor-shape.json").write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    main()
