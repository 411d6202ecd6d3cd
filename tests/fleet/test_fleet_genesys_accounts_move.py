"""A genesys-cloud fleet of the oldest layout, every org's account clients in one `accounts` stack, taken
over by a version that keeps them in their orgs' resources: moved into their org stacks, then into
their orgs' resources, nothing deleted, no secret changed.

The older layout is made with the engine's own `pulumi state move`, out of a converged fleet of the
layout before this one (each client a resource of its own in its org's stack, made by
tests/e2e/layout_clients_apart): the same resources, ids and encrypted secrets, the accounts stack
holding every client (as an older `fleet up` left it) and the org stacks their orgs' resources only.
One story, in order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.fleet_platform import Login
from orgaccess.declarations.access_yaml import parse_declarations
from orgaccess.dialects import GENESYS_CLOUD
from orgaccess.emulator.api import Api
from orgaccess.emulator.fleet_scenario import generate
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import LOCAL_PASSPHRASE
from orgaccess.fleet.accounts_move import OLD_ACCOUNTS, Engine, align_provider
from orgaccess.fleet.layout import ACCOUNTS_STACK, StackSpec, fleet_stacks
from orgaccess.fleet.workspace import Backend, environment, open_stack
from orgaccess.reconciler.kinds import service_account
from tests.fleet.fleet_support import (
    DYNAMIC,
    ERROR,
    NO_DRIFT,
    FleetCli,
    client_writes,
    clients_in,
    older_program,
    on_genesys,
)

pytestmark = pytest.mark.e2e

ORGS, STACKS = 12, 2
FLEET = generate(ORGS, drift_fraction=1 / 3, seed=0, api=Api.GENESYS_CLOUD)
DECLS = parse_declarations(FLEET.declarations_yaml, GENESYS_CLOUD)
SPECS = fleet_stacks(DECLS, STACKS, GENESYS_CLOUD)
ACCOUNT = f"{DYNAMIC}{service_account.KIND.name}"
CLIENTS_APART = Path(__file__).parents[1] / "e2e" / "layout_clients_apart" / "__main__.py"
REFUSED = "run `orgaccess fleet up` once with every stack (no --only) to move them there"


@dataclass(frozen=True)
class OldLayout:
    """The clients as the older fleet holds them: `{resource name: (client id, secret)}`, and the
    emulator's audit length when it was made."""

    clients: dict[str, tuple[str, str]]
    audited: int


def clients(runner: FleetCli, login: Login, platform: EmulatorHandle, spec: StackSpec) -> dict[str, tuple[str, str]]:
    """`spec`'s account client resources by name: their client id and secret, as its state holds them."""
    found = [r for r in runner.resources(spec, login.settings(platform.url)) if r["type"] == ACCOUNT]
    return {
        r["urn"].rsplit("::", 1)[-1]: (r["outputs"]["clientId"], json.loads(r["outputs"]["secret"]["plaintext"]))
        for r in found
    }


def held(runner: FleetCli, login: Login, platform: EmulatorHandle, spec: StackSpec) -> dict[str, tuple[str, str]]:
    """The account clients that `spec`'s orgs' resources hold, named as their resources were."""
    found = clients_in(runner.resources(spec, login.settings(platform.url)))
    return {f"{org}/{name}": (kept["clientId"], kept.get("secret", "")) for (org, name), kept in found.items()}


@pytest.fixture(scope="module")
def old_layout(runner: FleetCli, login: Login, platform: EmulatorHandle, work: Path) -> OldLayout:
    with older_program(CLIENTS_APART):
        code, output = on_genesys(runner, login, "up")
    assert code == 0, output
    settings = login.settings(platform.url)
    backend = Backend(runner.backend_url, LOCAL_PASSPHRASE, work / "old-layout")
    env = environment(backend, settings)
    accounts = Engine(open_stack(OLD_ACCOUNTS, runner.declarations, backend, settings, env), ACCOUNTS_STACK)
    for spec in SPECS:
        urns = [r["urn"] for r in runner.resources(spec, settings) if r["type"] == ACCOUNT]
        org_stack = Engine(open_stack(spec, runner.declarations, backend, settings, env), spec.name)
        align_provider(org_stack, accounts)
        accounts.run("state", "move", "--source", spec.name, "--dest", ACCOUNTS_STACK, "--yes", *urns)
        assert not clients(runner, login, platform, spec)
    held = clients(runner, login, platform, OLD_ACCOUNTS)
    assert len(held) == ORGS * len(DECLS.serviceAccounts)
    return OldLayout(held, platform.audit_count())


def test_a_preview_of_the_older_layout_is_refused_saying_what_to_run(
    runner: FleetCli, login: Login, platform: EmulatorHandle, old_layout: OldLayout
) -> None:
    code, output = on_genesys(runner, login, "preview")

    assert code == ERROR
    assert REFUSED in " ".join(output.split()), output
    assert clients(runner, login, platform, OLD_ACCOUNTS) == old_layout.clients


def test_an_up_of_some_stacks_of_the_older_layout_is_refused(
    runner: FleetCli, login: Login, platform: EmulatorHandle, old_layout: OldLayout
) -> None:
    code, output = on_genesys(runner, login, "up", "--only", SPECS[0].name)

    assert code == ERROR
    assert REFUSED in " ".join(output.split()), output
    assert clients(runner, login, platform, OLD_ACCOUNTS) == old_layout.clients


def test_fleet_up_moves_each_client_into_its_orgs_resource_unchanged(
    runner: FleetCli, login: Login, platform: EmulatorHandle, old_layout: OldLayout
) -> None:
    code, output = on_genesys(runner, login, "up")

    assert code == 0, output
    assert not clients(runner, login, platform, OLD_ACCOUNTS)
    assert not any(clients(runner, login, platform, spec) for spec in SPECS)
    moved = {name: c for spec in SPECS for name, c in held(runner, login, platform, spec).items()}
    assert moved == old_layout.clients


def test_the_platform_saw_no_client_created_changed_or_deleted(platform: EmulatorHandle, old_layout: OldLayout) -> None:
    assert client_writes(platform, old_layout.audited) == []


def test_every_client_still_signs_in_with_the_secret_its_apps_hold(
    platform: EmulatorHandle, old_layout: OldLayout
) -> None:
    # The fleet's clients existed before orgaccess adopted them: their apps hold the secrets it was made with.
    held = {c["id"]: c["secret"] for org in FLEET.scenario["organizations"] for c in org["clients"]}

    for client_id, _ in old_layout.clients.values():
        assert platform.token(client_id, held[client_id])


def test_fleet_drift_after_the_move_finds_nothing_left(runner: FleetCli, login: Login) -> None:
    code, output = on_genesys(runner, login, "drift")

    assert code == NO_DRIFT, output
