"""The drift page (`orgaccess drift --format html`): its size and render time at scale, and the README's picture.

    python -m bench.drift_page --orgs 500                       # bench/results/drift-page.json
    python -m bench.drift_page --screenshot docs/img/drift-page.png   # make drift-page: both
    python -m bench.drift_page --orgs 5000 --results bench/results/drift-page-5000.json --append --label before

The size is measured on a generated fleet (orgaccess/emulator/fleet_scenario.py, 30% of the orgs
drifted; bench/fleet_split.py's, of either dialect, a third) served by the emulator, with the page
written by the real command. The render time, in Debian's headless Chromium (scripts/chromium.sh),
is given twice: the page's own navigation timing (start to the end
of the load event, wall time) and the renderer main thread's busy time (thread time, which a
busy machine does not inflate). So is each answer of the filter box, query by query (typing
`drift`, typing an org id, clearing it), up to the layout it causes. `--append` adds the figures
to the results file instead of replacing it, `--label` names them (with the commit measured), so
one file can hold before and after, each run more than once.
The screenshot shows the demo scenario (seed-403), one org opened.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By

from bench import machine
from bench.browser import headless_chromium, open_page, timed_script
from bench.fleet_platform import UNTHROTTLED, Login, fleet_login, seed_login
from orgaccess.emulator.fleet_scenario import ADMIN_ID, ADMIN_SECRET, Fleet, generate
from orgaccess.emulator.harness import running_emulator
from orgaccess.engine.automation import PROJECT_DIR

RESULTS = PROJECT_DIR / "bench" / "results" / "drift-page.json"
SHOWN_ORG = "org-partner-b"
RUNS = 5
# What a reader types into the filter, and clearing it: each answer timed up to the layout it causes.
FILTER_QUERIES = ("drift", "org-partner-0042", "")
_FILTER = """
const box = document.getElementById('filter'), started = performance.now();
box.value = arguments[0];
box.dispatchEvent(new Event('input'));
document.body.getBoundingClientRect();
return performance.now() - started;
"""


def write_page(scenario: str | dict[str, Any], declarations: Path, page: Path, login: Login) -> int:
    """Runs `orgaccess drift --format html` against an emulator serving `scenario`; its exit code."""
    with running_emulator(scenario, dialect=login.platform) as emulator:
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED)
        env = login.env(emulator.url)
        argv = [sys.executable, "-m", "orgaccess", "drift", "--format", "html"]
        # Relative, as an operator types it: the page shows the path it was given.
        argv += ["--declarations", declarations.name, "--output", str(page)]
        return subprocess.run(argv, env=env, cwd=declarations.parent, check=False, timeout=600).returncode


def measure(fleet: Fleet, work: Path) -> dict[str, Any]:
    """The page of `fleet`, written and rendered in `work` (a directory of its own)."""
    declarations = work / "access.yaml"
    declarations.write_text(fleet.declarations_yaml)
    page = work / "drift.html"
    code = write_page(fleet.scenario, declarations, page, fleet_login(fleet, work))
    with headless_chromium() as browser:
        loads = [open_page(browser, page) for _ in range(RUNS)]
        rows = browser.execute_script("return document.querySelectorAll('#grid tr.org').length")
        # Each query typed over the previous one's answer: "drift" over all rows, the id over drift's, "" over one.
        answers: dict[str, list[tuple[float, float]]] = {query: [] for query in FILTER_QUERIES}
        for _ in range(RUNS):
            for query in FILTER_QUERIES:
                wall, cpu = timed_script(browser, _FILTER, query)
                answers[query].append((float(wall), cpu))
        chromium = browser.capabilities.get("browserVersion", "unknown")
    return {
        "orgs": len(fleet.scenario["organizations"]),
        "drifted": len(fleet.drifted),
        "exit": code,
        "rows": rows,
        "bytes": page.stat().st_size,
        "load_ms": [round(load.wall_ms) for load in loads],
        "load_ms_median": statistics.median(round(load.wall_ms) for load in loads),
        "main_thread_ms": [round(load.cpu_ms) for load in loads],
        "main_thread_ms_median": statistics.median(round(load.cpu_ms) for load in loads),
        "filters": [_answers(query, timed) for query, timed in answers.items()],
        "load_average": os.getloadavg()[0],
        "chromium": chromium,
        "nproc": os.cpu_count(),
    }


def _answers(query: str, timed: list[tuple[float, float]]) -> dict[str, Any]:
    """One query's answers: wall time up to the layout, and the main thread's time."""
    walls, cpus = [round(wall) for wall, _ in timed], [round(cpu) for _, cpu in timed]
    return {
        "query": query,
        "wall_ms": walls,
        "wall_ms_median": statistics.median(walls),
        "main_thread_ms": cpus,
        "main_thread_ms_median": statistics.median(cpus),
    }


def screenshot(target: Path, work: Path) -> None:
    """seed-403's page, one org opened, as the README shows it."""
    declarations = work / "access.yaml"
    declarations.write_text((PROJECT_DIR / "access.yaml").read_text())
    page = work / "seed-403.html"
    write_page("seed-403", declarations, page, seed_login(ADMIN_ID, ADMIN_SECRET))
    with headless_chromium(window=(1280, 940)) as browser:
        open_page(browser, page)
        browser.find_element(By.CSS_SELECTOR, f'tr.org[data-org="{SHOWN_ORG}"] button').click()
        target.parent.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(target))


def _measured(orgs: int, scratch: Path) -> dict[str, Any]:
    work = scratch / f"{orgs}-orgs"
    work.mkdir()
    return measure(generate(orgs, drift_fraction=0.3, seed=0), work)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="*", default=[500], help="fleet sizes to measure")
    parser.add_argument("--screenshot", type=Path, help="also write seed-403's page as a PNG here")
    parser.add_argument("--results", type=Path, default=RESULTS, help=f"the JSON file written (default {RESULTS})")
    parser.add_argument("--append", action="store_true", help="add to the results file's list instead of replacing it")
    parser.add_argument("--label", help="a name for these figures, e.g. before or after")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="orgaccess-page-") as scratch:
        work = Path(scratch)
        if args.screenshot:
            screenshot(args.screenshot, work)
            print(f"drift page: screenshot in {args.screenshot}")
        results = [_measured(n, work) for n in args.orgs]
    for r in results:
        print(
            f"drift page: {r['orgs']} orgs ({r['drifted']} drifted): {r['bytes'] / 1024:.0f} KiB, "
            f"loaded in {r['load_ms_median']:.0f} ms, {r['main_thread_ms_median']:.0f} ms of the browser's main "
            f"thread; the filter answered {_filter_line(r['filters'])} "
            f"(medians of {RUNS}; load average {r['load_average']:.1f}), exit {r['exit']}"
        )
    if results:
        if args.label:
            commit = machine.describe(PROJECT_DIR)["versions"]["orgaccess"]
            results = [{"label": args.label, "commit": commit, **r} for r in results]
        kept = json.loads(args.results.read_text()) if args.append and args.results.exists() else []
        args.results.write_text(json.dumps(kept + results, indent=2) + "\n")
    return 0


def _filter_line(filters: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{f['query'] or 'cleared'} in {f['wall_ms_median']:.0f} ms ({f['main_thread_ms_median']:.0f} ms of thread)"
        for f in filters
    )


if __name__ == "__main__":
    sys.exit(main())
