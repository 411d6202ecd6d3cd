"""How large a stack's checkpoint is, by fleet size: what bounds recovery's decompression.

    python -m bench.checkpoint_size --orgs 100 1000 5000

Per size: a generated fleet (orgaccess/emulator/fleet_scenario.py) on a fresh emulator, `pulumi up` in the tuned
engine mode (the final checkpoint is the same, only fewer intermediate ones are written), then the
checkpoint's bytes as plain JSON and zstd-compressed. Results: bench/results/checkpoint-size.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import zstandard

from bench.run import RESULTS, TUNED, WORK
from orgaccess.emulator.fleet_scenario import ADMIN_ID, ADMIN_SECRET, generate
from orgaccess.emulator.harness import running_emulator
from orgaccess.engine.automation import project_stack


def measure(n_orgs: int) -> dict[str, object]:
    fleet = generate(n_orgs, drift_fraction=0.3, seed=0)
    root = WORK / f"checkpoint-{n_orgs}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    declarations = root / "access.yaml"
    declarations.write_text(fleet.declarations_yaml)
    with running_emulator(fleet.scenario) as emu:
        stack = project_stack(
            root / "state",
            api_url=emu.url,
            client_id=ADMIN_ID,
            client_secret=ADMIN_SECRET,
            declarations=declarations,
            extra_env=TUNED,
        )
        started = time.monotonic()
        outcome = stack.up()
        seconds = time.monotonic() - started
    (checkpoint,) = (root / "state").rglob(f".pulumi/stacks/*/{stack.name}.json")
    content = checkpoint.read_bytes()
    return {
        "orgs": n_orgs,
        "resources": len(json.loads(content)["checkpoint"]["latest"]["resources"]),
        "checkpointBytes": len(content),
        "zstdBytes": len(zstandard.ZstdCompressor().compress(content)),
        "upSeconds": round(seconds, 1),
        "upExitCode": outcome.returncode,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.checkpoint_size", description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--results", type=Path, default=RESULTS)
    options = parser.parse_args(argv)
    rows = []
    for n_orgs in sorted(options.orgs):
        rows.append(measure(n_orgs))
        print(json.dumps(rows[-1]), flush=True)
    (options.results / "checkpoint-size.json").write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
