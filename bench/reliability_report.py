"""The reliability figures (faults injected, operations retried, crashes survived, inputs tried)
as bench/results/reliability.json, from what tests/reliability recorded in one run.

    .venv/bin/python -m bench.reliability_report     # prints the last report

`make stress` runs the reliability suite with its heavier variants and writes the report there, through
`write` at the end of the session. A plain test run (`make test`) writes its figures to
.state/reliability.json instead: bench/results/ is written only by `make bench`, `bench-full` and
`stress`, and a test run leaves the checkout as it found it.
"""

from __future__ import annotations

import json
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPORT = Path(__file__).resolve().parent / "results" / "reliability.json"
TEST_RUN_REPORT = Path(__file__).resolve().parents[1] / ".state" / "reliability.json"


def write(recorded: dict[str, dict[str, Any]], *, stress: bool, path: Path = REPORT) -> Path:
    """Adds the figures of one run to the report (a run of some tests keeps the others' figures),
    with totals over all its scenarios."""
    earlier = json.loads(path.read_text()).get("scenarios", {}) if path.exists() else {}
    scenarios = {**earlier, **recorded}
    totals: dict[str, int] = {}
    for figures in scenarios.values():
        for key, value in figures.items():
            if isinstance(value, int) and not isinstance(value, bool):
                totals[key] = totals.get(key, 0) + value
    report = {
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        "run": "stress" if stress else "test",
        "machine": {"python": sys.version.split()[0], "platform": platform.platform()},
        "totals": dict(sorted(totals.items())),
        "scenarios": dict(sorted(scenarios.items())),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


def main() -> None:
    print(REPORT.read_text() if REPORT.exists() else f"no report yet: run `make stress` to write {REPORT}")


if __name__ == "__main__":
    main()
