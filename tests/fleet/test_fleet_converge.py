"""A drifted fleet of 24 orgs in 4 org stacks, converged concurrently on a PostgreSQL backend.

One story, in order: drift found, `up` fixes it, and a second runner that shares only the
backend finds nothing left. (8 stacks and 200 orgs: test_fleet_stress.py.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgaccess.emulator.fleet_scenario import generate
from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from tests.fleet.fleet_support import DRIFT, NO_DRIFT, UNTHROTTLED, FleetCli, isolated, rows

pytestmark = pytest.mark.e2e

ORGS, STACKS = 24, 4
FLEET = generate(ORGS, drift_fraction=0.3, seed=1)


@pytest.fixture(scope="module")
def platform() -> Iterator[EmulatorHandle]:
    with running_emulator(FLEET.scenario) as emulator:
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED)
        yield emulator


@pytest.fixture(scope="module")
def backend(postgres_url: str) -> str:
    return isolated(postgres_url)


@pytest.fixture(scope="module")
def declarations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("declarations") / "access.yaml"
    path.write_text(FLEET.declarations_yaml)
    return path


@pytest.fixture(scope="module")
def runner(
    platform: EmulatorHandle, backend: str, declarations: Path, tmp_path_factory: pytest.TempPathFactory
) -> FleetCli:
    return FleetCli(backend, platform.url, declarations, tmp_path_factory.mktemp("runner-a"), STACKS)


def test_drift_names_every_stack_whose_orgs_drifted(runner: FleetCli) -> None:
    code, output = runner("drift")
    assert code == DRIFT, output
    table = rows(output)
    assert set(table) == {"accounts", *(f"orgs-{i}-of-{STACKS}" for i in range(STACKS))}
    assert all("drift" in line for line in table.values()), output


def test_without_a_terminal_each_stack_is_one_plain_line_as_it_finishes(runner: FleetCli) -> None:
    code, output = runner("preview", "--only", "accounts")
    assert code == NO_DRIFT, output
    (line,) = [line for line in output.splitlines() if line.startswith("fleet preview: ")]
    assert re.fullmatch(r"fleet preview: 1/1 accounts drift, \d+s elapsed", line), line


def test_up_converges_every_stack(runner: FleetCli) -> None:
    code, output = runner("up", "--jobs", str(STACKS))
    assert code == NO_DRIFT, output
    assert all("changed" in line for line in rows(output).values()), output


def test_after_up_a_runner_sharing_only_the_backend_finds_no_drift(runner: FleetCli, tmp_path: Path) -> None:
    other = FleetCli(runner.backend_url, runner.api_url, runner.declarations, tmp_path / "runner-b", STACKS)
    code, output = other("drift")
    assert code == NO_DRIFT, output
    assert all(" ok " in line for line in rows(output).values()), output


def test_each_service_account_is_managed_by_the_accounts_stack_only(runner: FleetCli) -> None:
    managed = runner.managed_kinds()
    accounts = {stack for stack, types in managed.items() if "ServiceAccount" in types}
    assert accounts == {"accounts"}
    assert all(types and "ServiceAccount" not in types for stack, types in managed.items() if stack != "accounts")
