"""A genesys-cloud fleet made when each org's client was a resource of its own, taken over by a version
that keeps the clients inside their org's resource: nothing on the platform written, and the secret of
the client orgaccess made carried into its org's resource (engine/clients_upgrade.py).

The older fleet is made by the older program (tests/e2e/layout_clients_apart), 6 orgs in 2 org stacks,
one org's Premium App client missing, so that it makes one client and adopts the others. One story,
in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.fleet_platform import Login
from orgaccess.declarations.access_yaml import parse_declarations
from orgaccess.dialects import GENESYS_CLOUD
from orgaccess.emulator.api import Api
from orgaccess.emulator.fleet_scenario import generate
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.fleet.layout import fleet_stacks
from orgaccess.reconciler.kinds import service_account
from tests.fleet.fleet_support import DYNAMIC, NO_DRIFT, FleetCli, client_writes, clients_in, older_program, on_genesys
from tests.fleet.test_fleet_new_secrets import ACCOUNT, ORG, _without_the_client

pytestmark = pytest.mark.e2e

ORGS, STACKS = 6, 2
FLEET = _without_the_client(generate(ORGS, drift_fraction=0, seed=0, api=Api.GENESYS_CLOUD))
SPECS = fleet_stacks(parse_declarations(FLEET.declarations_yaml, GENESYS_CLOUD), STACKS, GENESYS_CLOUD)
CLIENT = f"{DYNAMIC}{service_account.KIND.name}"
CLIENTS_APART = Path(__file__).parents[1] / "e2e" / "layout_clients_apart" / "__main__.py"


@dataclass(frozen=True)
class OlderFleet:
    """Each client as the older fleet's state holds it, by (org, account), and the audit's length then."""

    clients: dict[tuple[str, str], dict[str, Any]]
    audited: int


def _client_resources(
    runner: FleetCli, login: Login, platform: EmulatorHandle
) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for spec in SPECS:
        for r in runner.resources(spec, login.settings(platform.url)):
            if r["type"] == CLIENT:
                outputs = r["outputs"]
                secret = outputs["secret"]["plaintext"].strip('"') if outputs["adopted"] is False else None
                found[(r["inputs"]["homeOrg"], r["inputs"]["name"])] = {
                    "clientId": outputs["clientId"],
                    "secret": secret,
                }
    return found


def _held(runner: FleetCli, login: Login, platform: EmulatorHandle) -> dict[tuple[str, str], dict[str, Any]]:
    held = {}
    for spec in SPECS:
        for key, kept in clients_in(runner.resources(spec, login.settings(platform.url))).items():
            held[key] = {"clientId": kept["clientId"], "secret": kept.get("secret")}
    return held


@pytest.fixture(scope="module")
def older(runner: FleetCli, login: Login, platform: EmulatorHandle) -> OlderFleet:
    with older_program(CLIENTS_APART):
        code, output = on_genesys(runner, login, "up")
    assert code == 0, output
    return OlderFleet(_client_resources(runner, login, platform), platform.audit_count())


@pytest.fixture(scope="module")
def upgraded(runner: FleetCli, login: Login, older: OlderFleet) -> tuple[int, str]:
    return on_genesys(runner, login, "up")


def test_the_older_fleet_holds_each_client_as_a_resource_of_its_own(older: OlderFleet) -> None:
    assert len(older.clients) == ORGS * 2
    assert older.clients[(ORG, ACCOUNT)]["secret"]


def test_fleet_up_takes_over_the_older_fleet(upgraded: tuple[int, str]) -> None:
    code, output = upgraded

    assert code == 0, output


def test_every_client_is_now_held_by_its_orgs_resource_with_the_same_id_and_secret(
    upgraded: tuple[int, str], runner: FleetCli, login: Login, platform: EmulatorHandle, older: OlderFleet
) -> None:
    assert not _client_resources(runner, login, platform)
    assert _held(runner, login, platform) == older.clients


def test_only_the_stack_holding_the_made_client_moved_state_and_ran_again(
    upgraded: tuple[int, str], runner: FleetCli
) -> None:
    (holder,) = (spec for spec in SPECS if ORG in spec.orgs)
    logs = {spec.name: (runner.work_dir / spec.name / "up.log").read_text() for spec in SPECS}

    # The adopted clients' resources were released by the first run; only the made one's was left to move.
    assert "moved 1 client(s) into their orgs' OrgAccess resources" in logs[holder.name]
    assert [name for name, log in logs.items() if "moved" in log] == [holder.name]


def test_the_platform_saw_no_client_created_changed_or_deleted(
    upgraded: tuple[int, str], platform: EmulatorHandle, older: OlderFleet
) -> None:
    assert client_writes(platform, older.audited) == []


def test_the_made_client_still_signs_in_with_the_secret_its_orgs_resource_holds(
    upgraded: tuple[int, str], runner: FleetCli, login: Login, platform: EmulatorHandle
) -> None:
    made = _held(runner, login, platform)[(ORG, ACCOUNT)]

    assert platform.token(made["clientId"], made["secret"])


def test_fleet_drift_after_the_upgrade_finds_nothing_left(
    upgraded: tuple[int, str], runner: FleetCli, login: Login
) -> None:
    code, output = on_genesys(runner, login, "drift")

    assert code == NO_DRIFT, output
