"""The benchmarks' genesys-cloud fleet, small: 12 orgs, a third drifted, in 2 org stacks, orgaccess's
admin clients (one per org) from one credentials file. Each org's account clients live in its org
stack, with its roles and bindings: the fleet has no accounts stack.

One story, in order: the new fleet previews, one `fleet up` converges it, each org stack then holds
its own orgs' clients, and `fleet drift` after it finds nothing left. (The same at scale:
`python -m bench.fleet_split --platform genesys-cloud`.)
"""

from __future__ import annotations

import pytest

from bench.fleet_platform import Login
from orgaccess.declarations.access_yaml import parse_declarations
from orgaccess.dialects import GENESYS_CLOUD
from orgaccess.emulator.api import Api
from orgaccess.emulator.fleet_scenario import generate
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.fleet.layout import fleet_stacks
from tests.fleet.fleet_support import NO_DRIFT, FleetCli, clients_in, on_genesys, rows

pytestmark = pytest.mark.e2e

ORGS, STACKS = 12, 2
FLEET = generate(ORGS, drift_fraction=1 / 3, seed=0, api=Api.GENESYS_CLOUD)
STACK_NAMES = {f"orgs-{i}-of-{STACKS}" for i in range(STACKS)}


def test_the_new_fleet_previews_on_every_stack(runner: FleetCli, login: Login) -> None:
    code, output = on_genesys(runner, login, "preview")

    assert code == 0, output
    assert set(rows(output)) == STACK_NAMES
    assert not any("error" in line for line in rows(output).values()), output


def test_one_fleet_up_converges_every_stack(runner: FleetCli, login: Login) -> None:
    code, output = on_genesys(runner, login, "up")

    assert code == 0, output
    assert all("changed" in line for line in rows(output).values()), output


def test_each_org_stack_holds_the_account_clients_of_its_own_orgs(
    runner: FleetCli, login: Login, platform: EmulatorHandle
) -> None:
    decls = parse_declarations(FLEET.declarations_yaml, GENESYS_CLOUD)
    held = {}
    for spec in fleet_stacks(decls, STACKS, GENESYS_CLOUD):
        held[spec.name] = {org for org, _ in clients_in(runner.resources(spec, login.settings(platform.url)))}
        assert held[spec.name] <= set(spec.orgs), spec.name

    # Every org binds the accounts, so every org has its clients, each in one stack.
    assert sorted(org for orgs in held.values() for org in orgs) == sorted(o.id for o in decls.orgs)


def test_fleet_drift_after_the_up_finds_nothing_left(runner: FleetCli, login: Login) -> None:
    code, output = on_genesys(runner, login, "drift")

    assert code == NO_DRIFT, output
    assert set(rows(output)) == STACK_NAMES
