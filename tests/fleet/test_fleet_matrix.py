"""A fleet spread over CI jobs, one stack per job, on one PostgreSQL backend (examples/fleet-matrix.yml).

The accounts job first, then one process per org stack, at once; then any runner finds the fleet
converged, and its drift page shows every org. A job that meets another runner's lock waits for it.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from pydantic import SecretStr

from orgaccess.declarations.access_yaml import parse_declarations
from orgaccess.dialects import SEED
from orgaccess.emulator.fleet_scenario import ADMIN_ID, ADMIN_SECRET, generate
from orgaccess.emulator.harness import running_emulator
from orgaccess.engine.automation import LOCAL_PASSPHRASE
from orgaccess.fleet.layout import fleet_stacks
from orgaccess.fleet.runner import Operation, Outcome, stack_runner
from orgaccess.fleet.workspace import Backend
from orgaccess.platform.settings import Settings
from tests.fleet.fleet_support import (
    DRIFT,
    NO_DRIFT,
    UNTHROTTLED,
    FleetCli,
    declarations_file,
    isolated,
    lock_holders,
    rows,
    wait_for_lock,
)

pytestmark = pytest.mark.e2e

ORGS, STACKS = 12, 2
FLEET = generate(ORGS, drift_fraction=0.5, seed=3)
JOB_SECONDS = 600


def test_two_jobs_up_disjoint_stacks_at_once_and_the_fleet_converges(postgres_url: str, tmp_path: Path) -> None:
    declarations = declarations_file(tmp_path, FLEET)
    backend = isolated(postgres_url)
    with running_emulator(FLEET.scenario) as emulator:
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED)

        def job(name: str) -> FleetCli:
            return FleetCli(backend, emulator.url, declarations, tmp_path / name, STACKS)

        code, output = job("accounts")("up", "--only", "accounts")
        assert code == NO_DRIFT, output
        assert list(rows(output)) == ["accounts"]
        processes = [job(f"job-{i}").spawn("up", "--only", f"orgs-{i}-of-{STACKS}") for i in range(STACKS)]
        outputs = [process.communicate(timeout=JOB_SECONDS)[0] for process in processes]
        assert [process.returncode for process in processes] == [NO_DRIFT] * STACKS, "\n".join(outputs)
        for i, output in enumerate(outputs):
            assert list(rows(output)) == [f"orgs-{i}-of-{STACKS}"], output
        code, output = job("check")("drift")
    assert code == NO_DRIFT, output
    assert lock_holders(backend) == []


def test_fleet_drift_as_html_is_one_page_of_every_org_and_each_stacks_preview(
    postgres_url: str, tmp_path: Path
) -> None:
    declarations = declarations_file(tmp_path, FLEET)
    page = tmp_path / "drift.html"
    with running_emulator(FLEET.scenario) as emulator:
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED)
        runner = FleetCli(isolated(postgres_url), emulator.url, declarations, tmp_path / "runner", STACKS)
        code, output = runner("drift", "--format", "html", "--output", str(page))
    assert code == DRIFT, output
    html = page.read_text()
    states = dict(re.findall(r'<tr class="org" data-org="([^"]+)" data-state="([^"]+)"', html))
    assert list(states) == [org.id for org in parse_declarations(FLEET.declarations_yaml, SEED).orgs]
    assert {org for org, state in states.items() if state == "drift"} >= set(FLEET.drifted)
    specs = fleet_stacks(parse_declarations(FLEET.declarations_yaml, SEED), STACKS, SEED)
    assert all(f"<td>{spec.name}</td>" in html for spec in specs)


def test_a_job_meeting_a_locked_stack_waits_for_it_within_the_lock_timeout(postgres_url: str, tmp_path: Path) -> None:
    declarations = declarations_file(tmp_path, FLEET)
    backend_url = isolated(postgres_url)
    accounts = fleet_stacks(parse_declarations(FLEET.declarations_yaml, SEED), STACKS, SEED)[0]
    with running_emulator(FLEET.scenario) as emulator:
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED)
        settings = Settings(api_url=emulator.url, client_id=ADMIN_ID, client_secret=SecretStr(ADMIN_SECRET))

        def up(name: str, lock_timeout: float) -> Outcome:
            backend = Backend(backend_url, LOCAL_PASSPHRASE, tmp_path / name)
            run = stack_runner(
                Operation.UP, declarations=declarations, backend=backend, settings=settings, lock_timeout=lock_timeout
            )
            return run(accounts)

        # The stack and the state table exist before the race, as after any earlier run.
        assert up("first", 0).error is None
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED, latencyMs=1500)
        held: list[Outcome] = []
        holder = threading.Thread(target=lambda: held.append(up("first", 0)))
        holder.start()
        wait_for_lock(backend_url)
        waited = up("second", 300)
        holder.join(timeout=300)
    assert held and held[0].error is None
    assert waited.error is None, waited.error
    assert waited.log is not None and "locked by another runner" in waited.log.read_text()
    assert lock_holders(backend_url) == []
