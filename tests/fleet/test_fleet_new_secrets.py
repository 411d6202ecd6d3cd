"""A fleet `up` runs every stack without the engine's intermediate checkpoints. A client it must create
has a secret that nothing but the state knows, so that step is refused in that run and made in a
second run of the same stack, with every checkpoint, of those clients and what depends on them.

On genesys-cloud, 6 orgs in 2 org stacks, as declared but for one org whose Premium App client is gone.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from bench.fleet_platform import Login
from orgaccess.declarations.access_yaml import parse_declarations
from orgaccess.dialects import GENESYS_CLOUD
from orgaccess.emulator.api import Api
from orgaccess.emulator.fleet_scenario import generate
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.fleet.layout import StackSpec, fleet_stacks
from orgaccess.reconciler.kinds.base import UnkeptSecret
from tests.fleet.fleet_support import NO_DRIFT, FleetCli, clients_in, on_genesys

pytestmark = pytest.mark.e2e

ORGS, STACKS = 6, 2
ORG, ACCOUNT = "org-partner-0003", "Premium App"
GONE = f"premium-app-{ORG.removeprefix('org-')}"
AGAIN = "need a new secret; running them again with checkpoints"


def _without_the_client(fleet: Any) -> Any:
    scenario = copy.deepcopy(fleet.scenario)
    (org,) = (o for o in scenario["organizations"] if o["id"] == ORG)
    org["clients"] = [c for c in org["clients"] if c["id"] != GONE]
    org["grants"] = [g for g in org["grants"] if g["subject"] != GONE]
    return dataclasses.replace(fleet, scenario=scenario)


FLEET = _without_the_client(generate(ORGS, drift_fraction=0, seed=0, api=Api.GENESYS_CLOUD))
(HOLDER,) = (
    spec
    for spec in fleet_stacks(parse_declarations(FLEET.declarations_yaml, GENESYS_CLOUD), STACKS, GENESYS_CLOUD)
    if ORG in spec.orgs
)


@pytest.fixture(scope="module")
def up(runner: FleetCli, login: Login) -> tuple[int, str]:
    return on_genesys(runner, login, "up")


def _created(runner: FleetCli, login: Login, platform: EmulatorHandle, spec: StackSpec) -> dict[str, Any]:
    return clients_in(runner.resources(spec, login.settings(platform.url)))[(ORG, ACCOUNT)]


def test_fleet_up_creates_the_missing_client_and_converges_every_stack(up: tuple[int, str]) -> None:
    code, output = up

    assert code == 0, output


def test_the_stack_ran_the_client_again_with_checkpoints_after_refusing_it_without(
    up: tuple[int, str], runner: FleetCli
) -> None:
    log = (runner.work_dir / HOLDER.name / "up.log").read_text()

    assert UnkeptSecret.PHRASE in " ".join(log.split())
    assert f"1 service account(s) {AGAIN}" in log


def test_a_stack_with_nothing_to_create_runs_once(up: tuple[int, str], runner: FleetCli) -> None:
    (other,) = {f"orgs-{i}-of-{STACKS}" for i in range(STACKS)} - {HOLDER.name}

    assert AGAIN not in (runner.work_dir / other / "up.log").read_text()


def test_the_created_client_signs_in_with_the_secret_its_stacks_state_holds(
    up: tuple[int, str], runner: FleetCli, login: Login, platform: EmulatorHandle
) -> None:
    created = _created(runner, login, platform, HOLDER)

    assert created["adopted"] is False
    assert platform.token(created["clientId"], created["secret"])


def test_fleet_drift_after_the_up_finds_nothing_left(up: tuple[int, str], runner: FleetCli, login: Login) -> None:
    code, output = on_genesys(runner, login, "drift")

    assert code == NO_DRIFT, output
