"""Time against fleet size, as a PNG, from the summary rows (one row per size and engine mode)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on CI or a server
import matplotlib.pyplot as plt

# (row key, label, modes it is drawn for): the engine's defaults first, as a user meets them.
SERIES = (
    ("preview", "orgaccess pulumi preview (drifted, cold)", ("defaults", "tuned")),
    ("up", "orgaccess pulumi up (drifted)", ("defaults", "tuned")),
    ("floorPreview", "engine floor preview (no-op provider)", ("defaults", "tuned")),
    ("drift", "orgaccess drift", ("defaults",)),
    ("naive", "naive checklist script", ("defaults",)),
)
STYLE = {"defaults": "-", "tuned": ":"}


def plot(rows: list[dict[str, Any]], title: str, path: Path) -> None:
    figure, axes = plt.subplots(figsize=(7.5, 5), dpi=120)
    sizes: set[int] = set()
    for key, label, modes in SERIES:
        for mode in modes:
            mine = sorted((row["orgs"], row[key]) for row in rows if row["mode"] == mode)
            if not mine:
                continue
            sizes |= {n for n, _ in mine}
            suffix = " - engine defaults" if mode == "defaults" else " - tuned (2 engine variables)"
            axes.plot(*zip(*mine, strict=True), STYLE[mode], marker="o", label=label + suffix)
    axes.set_xlabel("orgs")
    axes.set_ylabel("wall time (s)")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(sorted(sizes), [str(n) for n in sorted(sizes)])
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7)
    axes.set_title(title, fontsize=9)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
