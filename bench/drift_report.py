"""`orgaccess drift` for the benchmark: the CLI once it has the command, meanwhile its core here.

    python -m bench.drift_report access.yaml   # credentials and URL as for orgaccess (env)

The stand-in does what the command's contract needs: the preflight, then `reconcile.drift_of`
for every planned object on a thread pool over one shared snapshot, as the provider does.
"""

from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from orgaccess import reconcile, session, settings
from orgaccess.cli.main import app
from orgaccess.declarations import load_declarations
from orgaccess.desired import Desired, plan
from orgaccess.drift import Drift
from orgaccess.kinds import KINDS
from orgaccess.preflight import check_addressable

# Enough to overlap the latency of every org's few reads; the snapshot fetches each part once.
WORKERS = 16


def command(declarations: Path) -> list[str]:
    """The argv that reports drift for `declarations`, run with cwd = its directory."""
    if any(info.name == "drift" for info in app.registered_commands):
        return [str(Path(sys.executable).parent / "orgaccess"), "drift", "--format", "json"]
    return [sys.executable, "-m", "bench.drift_report", str(declarations)]


def drift(declarations: Path) -> list[Drift]:
    decls = load_declarations(declarations)
    session.configure(settings.resolve())
    check_addressable(decls, declarations, session.fleet())

    def of(item: Desired) -> list[Drift]:
        return reconcile.drift_of(KINDS[item.kind], item.props)

    with ThreadPoolExecutor(WORKERS) as pool:
        return [d for found in pool.map(of, plan(decls)) for d in found]


if __name__ == "__main__":
    print(json.dumps([d.model_dump(mode="json") for d in drift(Path(sys.argv[1]))]))
