"""Time against fleet size, as a PNG, from the summary rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on CI or a server
import matplotlib.pyplot as plt

SERIES = {
    "preview": "orgaccess pulumi preview (drifted, cold)",
    "floorPreview": "engine floor preview (no-op provider)",
    "drift": "orgaccess drift",
    "naive": "naive checklist script",
}


def plot(rows: list[dict[str, Any]], title: str, path: Path) -> None:
    sizes = [row["orgs"] for row in rows]
    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
    for key, label in SERIES.items():
        axes.plot(sizes, [row[key] for row in rows], marker="o", label=label)
    axes.set_xlabel("orgs")
    axes.set_ylabel("wall time (s)")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(sizes, [str(n) for n in sizes])
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    axes.set_title(title, fontsize=9)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
