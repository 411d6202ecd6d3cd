"""A fleet where something goes wrong: one stack fails alone, and two runners meet on one stack."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pydantic import SecretStr

from orgaccess.declarations.access_yaml import parse_declarations
from orgaccess.dialects import SEED
from orgaccess.emulator.fleet_scenario import ADMIN_ID, ADMIN_SECRET, generate
from orgaccess.emulator.harness import running_emulator
from orgaccess.engine.automation import LOCAL_PASSPHRASE
from orgaccess.fleet.layout import StackSpec, fleet_stacks
from orgaccess.fleet.runner import Operation, Outcome, stack_runner
from orgaccess.fleet.workspace import Backend
from orgaccess.platform.settings import Settings
from tests.fleet.fleet_support import (
    ERROR,
    UNTHROTTLED,
    FleetCli,
    declarations_file,
    isolated,
    lock_holders,
    rows,
    wait_for_lock,
)

pytestmark = pytest.mark.e2e

STACKS = 4
FLEET = generate(12, drift_fraction=0.0, seed=2)
SPECS = fleet_stacks(parse_declarations(FLEET.declarations_yaml, SEED), STACKS, SEED)


@pytest.fixture
def declarations(tmp_path: Path) -> Path:
    return declarations_file(tmp_path, FLEET)


def test_a_failing_stack_is_reported_and_the_others_still_run(
    postgres_url: str, declarations: Path, tmp_path: Path
) -> None:
    broken = SPECS[1]
    scenario = _without_admin_in(broken.orgs[0])
    with running_emulator(scenario) as emulator:
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED)
        runner = FleetCli(isolated(postgres_url), emulator.url, declarations, tmp_path / "runner", STACKS)
        code, output = runner("preview")
    assert code == ERROR, output
    table = rows(output)
    assert "error" in table[broken.name], output
    assert all("error" not in line for name, line in table.items() if name != broken.name), output


def test_a_second_up_on_a_locked_stack_is_refused_naming_the_lock_while_the_first_completes(
    postgres_url: str, declarations: Path, tmp_path: Path
) -> None:
    backend_url = isolated(postgres_url)
    with running_emulator(FLEET.scenario) as emulator:
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED)
        settings = Settings(api_url=emulator.url, client_id=ADMIN_ID, client_secret=SecretStr(ADMIN_SECRET))
        first, second = (Backend(backend_url, LOCAL_PASSPHRASE, tmp_path / name) for name in ("a", "b"))
        accounts = SPECS[0]
        # The stack and the state table exist before the race, as after any earlier run.
        assert _run(Operation.PREVIEW, accounts, declarations, first, settings).error is None
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED, latencyMs=1500)
        outcomes: list[Outcome] = []
        holder = threading.Thread(
            target=lambda: outcomes.append(_run(Operation.UP, accounts, declarations, first, settings))
        )
        holder.start()
        wait_for_lock(backend_url)
        refused = _run(Operation.UP, accounts, declarations, second, settings)
        holder.join(timeout=300)
    assert refused.error is not None and "the stack is currently locked by 1 lock(s)" in refused.error
    assert outcomes and outcomes[0].error is None
    assert lock_holders(backend_url) == []


def _run(operation: Operation, spec: StackSpec, declarations: Path, backend: Backend, settings: Settings) -> Outcome:
    return stack_runner(operation, declarations=declarations, backend=backend, settings=settings)(spec)


def _without_admin_in(org: str) -> dict[str, object]:
    """The fleet's platform, where orgaccess's own account holds no role in `org`."""
    scenario = generate(12, drift_fraction=0.0, seed=2).scenario
    for live in scenario["organizations"]:
        if live["id"] == org:
            live["grants"] = [g for g in live["grants"] if g["subject"] != ADMIN_ID]
    return scenario
