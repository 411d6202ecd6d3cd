"""The sizing curve of a fleet, as a PNG: seconds against orgs per stack, from a fleet results file.

    python -m bench.fleet_plot bench/results/fleet-5000.json --orgs 5000 --output docs/img/fleet-split-5000.png

One line per command (`fleet preview`, `fleet up`, `fleet drift` after), the whole fleet solid and its
slowest stack (one CI runner's share) dashed, over every split of that many orgs of one dialect in the file.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on CI or a server
import matplotlib.pyplot as plt

COMMANDS = (("preview", "fleet preview"), ("up", "fleet up"), ("driftAfter", "fleet drift after up"))


def splits_of(document: dict[str, Any], orgs: int, dialect: str) -> list[dict[str, Any]]:
    """The splits of `orgs` orgs of `dialect` in a fleet results file, fewest orgs per stack first."""
    mine = [
        s
        for s in document.get("splits", {}).values()
        if s.get("orgs") == orgs and s.get("dialect", "seed") == dialect and all(c in s for c, _ in COMMANDS)
    ]
    return sorted(mine, key=lambda s: s["orgsPerStack"])


def plot(splits: list[dict[str, Any]], title: str, path: Path) -> None:
    figure, axes = plt.subplots(figsize=(7.5, 5), dpi=120)
    per_stack = [s["orgsPerStack"] for s in splits]
    for (command, label), color in zip(COMMANDS, ("tab:blue", "tab:red", "tab:green"), strict=True):
        axes.plot(per_stack, [s[command]["seconds"] for s in splits], "-o", color=color, label=label)
        slowest = [s[command]["slowestStackSeconds"] for s in splits]
        axes.plot(per_stack, slowest, "--", marker=".", color=color, label=f"{label}: slowest stack")
    axes.set_xscale("log")
    axes.minorticks_off()
    axes.set_xlabel("orgs per stack")
    axes.set_ylabel("wall time (s)")
    axes.set_xticks(per_stack, [f"{n:.0f}\n({s['stacks']} stacks)" for n, s in zip(per_stack, splits, strict=True)])
    axes.set_ylim(bottom=0)
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=7)
    axes.set_title(title, fontsize=9)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--orgs", type=int, required=True)
    parser.add_argument("--dialect", default="seed")
    parser.add_argument("--output", type=Path, required=True)
    options = parser.parse_args()
    document = json.loads(options.results.read_text())
    splits = splits_of(document, options.orgs, options.dialect)
    if len(splits) < 2:
        raise SystemExit(f"{options.results}: fewer than two splits of {options.orgs} {options.dialect} orgs to draw")
    cores = document.get("machine", {}).get("nproc", "?")
    title = (
        f"{options.orgs:,} orgs ({options.dialect}), a third drifted, 20 ms a call, file backend,\n"
        f"as orgaccess fleet runs the engine, {splits[0].get('jobs', 4)} stacks at once, {cores} cores"
    )
    plot(splits, title, options.output)
    print(f"wrote {options.output}")


if __name__ == "__main__":
    main()
