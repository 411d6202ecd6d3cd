"""Two `up` at once. On one stack the second is refused by the state lock and nothing is
corrupted; two stacks that declare different orgs run side by side without interfering."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from orgaccess.declarations.access_yaml import parse_declarations
from orgaccess.dialects import SEED
from orgaccess.engine.result import Result
from tests.reliability.support import (
    FleetRun,
    background_up,
    declared_grants,
    drifted_fleet,
    duplicate_roles,
    grant_differences,
    grant_writes,
    stack_for,
    wait_for_writes,
)

pytestmark = pytest.mark.e2e

# How long the first run's answers take while the second run starts (it starts in about a second).
HELD_MS = 4000


@dataclass(frozen=True)
class SameStack:
    fleet: FleetRun
    first: Result
    second: Result


@pytest.fixture(scope="module")
def same_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SameStack]:
    with drifted_fleet(tmp_path_factory.mktemp("same-stack"), 10, seed=11) as fleet:
        fleet.platform.set_faults(latencyMs=100)
        with background_up(fleet.stack) as first_run:
            wait_for_writes(fleet.platform, 0, 1)
            # Once the first run writes, its next answers are held for longer than the second run takes
            # to reach the lock: at 100 ms a call the first run could end before the second started.
            fleet.platform.set_faults(latencyMs=HELD_MS)
            second = fleet.stack.up()
            fleet.platform.set_faults(latencyMs=100)
            first = first_run.finish()
        fleet.platform.set_faults()
        yield SameStack(fleet, first, second)


def test_a_second_up_on_a_locked_stack_is_refused(same_stack: SameStack) -> None:
    assert same_stack.second.returncode != 0
    assert same_stack.second.locked, same_stack.second.output


def test_the_first_up_finishes_undisturbed(same_stack: SameStack) -> None:
    assert same_stack.first.returncode == 0, same_stack.first.stdout[-4000:]


def test_after_the_refused_up_the_state_matches_the_platform(same_stack: SameStack) -> None:
    result = same_stack.fleet.stack.preview(expect_no_changes=True, refresh=True)
    assert result.returncode == 0, result.output[-4000:]
    with same_stack.fleet.admin() as admin:
        assert duplicate_roles(admin, same_stack.fleet.declarations) == {}


def _split(declarations_yaml: str) -> tuple[str, str]:
    """Two declarations of one fleet, disjoint: the first account in the first half of the orgs,
    the second account in the other half."""
    document = yaml.safe_load(declarations_yaml)
    halves = []
    for index, orgs in enumerate(
        (document["orgs"][: len(document["orgs"]) // 2], document["orgs"][len(document["orgs"]) // 2 :])
    ):
        account = document["serviceAccounts"][index]
        bindings = [
            {**org, "bindings": [b for b in org["bindings"] if b["serviceAccount"] == account["name"]]} for org in orgs
        ]
        used = {role for org in bindings for b in org["bindings"] for role in b["roles"]}
        part = {
            **document,
            "serviceAccounts": [account],
            "roles": [r for r in document["roles"] if r["name"] in used],
            "orgs": bindings,
        }
        halves.append(yaml.safe_dump(part, sort_keys=False, width=120))
    return halves[0], halves[1]


def test_two_stacks_for_different_orgs_run_at_once_without_interfering(tmp_path: Path) -> None:
    with drifted_fleet(tmp_path, 10, seed=12) as fleet:
        fleet.platform.set_faults(latencyMs=50)
        stacks, declarations = [], []
        for name, text in zip(("west", "east"), _split(fleet.declarations_path.read_text()), strict=True):
            path = tmp_path / f"{name}.yaml"
            path.write_text(text)
            declarations.append(parse_declarations(text, SEED))
            stacks.append(stack_for(tmp_path / name, fleet.platform, path, name))
        with background_up(stacks[0]) as west, background_up(stacks[1]) as east:
            results = [run.finish() for run in (west, east)]
        fleet.platform.set_faults()
        assert [r.returncode for r in results] == [0, 0], [r.stdout[-2000:] for r in results]
        with fleet.admin() as admin:
            for decls in declarations:
                assert duplicate_roles(admin, decls) == {}
                assert grant_differences(admin, decls) == []
            allowed = set().union(*(declared_grants(admin, decls) for decls in declarations))
        assert set(grant_writes(fleet.platform.audit())) <= allowed
