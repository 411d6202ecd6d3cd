"""Finding an older fleet's account clients in its accounts stack, and where each belongs now
(orgaccess/fleet/accounts_move.py), read from the backend's own files without the engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orgaccess.declarations.access_yaml import Declarations, parse_declarations
from orgaccess.deploy.shard import part_of
from orgaccess.dialects import GENESYS_CLOUD, SEED
from orgaccess.emulator.api import Api
from orgaccess.emulator.fleet_scenario import generate
from orgaccess.fleet.accounts_move import SERVICE_ACCOUNT, pending_moves, refusal
from orgaccess.fleet.layout import fleet_stacks

STACKS = 3


@pytest.fixture(scope="module")
def decls() -> Declarations:
    return parse_declarations(generate(9, drift_fraction=0.0, api=Api.GENESYS_CLOUD).declarations_yaml, GENESYS_CLOUD)


def _backend(tmp_path: Path, stack: str, orgs: list[str]) -> str:
    """A file backend whose `stack` holds a client of one account in each of `orgs`, as an older fleet left it."""
    clients = [
        {
            "urn": f"urn:pulumi:{stack}::orgaccess::{SERVICE_ACCOUNT}::{org}/Premium App",
            "type": SERVICE_ACCOUNT,
            "inputs": {"homeOrg": org, "name": "Premium App"},
        }
        for org in orgs
    ]
    checkpoint = {"version": 3, "checkpoint": {"latest": {"resources": clients}}}
    path = tmp_path / ".pulumi" / "stacks" / "orgaccess" / f"{stack}.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(checkpoint))
    return f"file://{tmp_path}"


def test_each_client_of_the_accounts_stack_is_moved_to_the_org_stack_of_its_org(
    tmp_path: Path, decls: Declarations
) -> None:
    orgs = [org.id for org in decls.orgs]
    specs = fleet_stacks(decls, STACKS, GENESYS_CLOUD)

    moves = pending_moves(_backend(tmp_path, "accounts", orgs), specs, GENESYS_CLOUD)

    assert {move.dest.name: len(move.urns) for move in moves} == {
        spec.name: sum(part_of(org, STACKS) == i for org in orgs) for i, spec in enumerate(specs)
    }
    assert all(urn.rsplit("::", 1)[-1].split("/")[0] in move.dest.orgs for move in moves for urn in move.urns)


def test_a_fleet_without_an_accounts_stack_has_nothing_to_move(tmp_path: Path, decls: Declarations) -> None:
    backend = _backend(tmp_path, "orgs-0-of-3", [decls.homeOrg])

    assert pending_moves(backend, fleet_stacks(decls, STACKS, GENESYS_CLOUD), GENESYS_CLOUD) == []


def test_a_fleet_whose_accounts_stack_is_its_own_has_nothing_to_move(tmp_path: Path, decls: Declarations) -> None:
    backend = _backend(tmp_path, "accounts", [decls.homeOrg])

    assert pending_moves(backend, fleet_stacks(decls, STACKS, SEED), SEED) == []


def test_the_refusal_counts_the_clients_by_stack_and_says_what_to_run(tmp_path: Path, decls: Declarations) -> None:
    orgs = [org.id for org in decls.orgs]
    moves = pending_moves(
        _backend(tmp_path, "accounts", orgs), fleet_stacks(decls, STACKS, GENESYS_CLOUD), GENESYS_CLOUD
    )

    said = refusal(moves)

    assert f"still holds {len(orgs)} account clients" in said
    assert "run `orgaccess fleet up` once with every stack (no --only)" in said
