"""One stack per runner: `--only`, `fleet stacks` for a CI matrix, and waiting out another runner's lock."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from pulumi import automation as auto
from typer.testing import CliRunner

from orgaccess.cli.main import app
from orgaccess.declarations.access_yaml import Declarations, parse_declarations
from orgaccess.dialects import SEED
from orgaccess.emulator.fleet_scenario import generate
from orgaccess.engine.result import Result
from orgaccess.fleet.layout import fleet_stacks, select_stacks, stack_objects
from orgaccess.fleet.runner import LOCK_POLL_SECONDS, while_locked

FLEET = generate(12, drift_fraction=0.0, seed=2)
STACKS = 3
LOCKED = "error: the stack is currently locked by 1 lock(s)."
REFUSED = Result("up", 255, stderr=LOCKED, error=auto.ConcurrentUpdateError(auto.CommandResult("", LOCKED, 255)))
DONE = Result("up", 0)


@pytest.fixture
def decls() -> Declarations:
    return parse_declarations(FLEET.declarations_yaml, SEED)


@pytest.fixture
def declarations(tmp_path: Path) -> Path:
    path = tmp_path / "access.yaml"
    path.write_text(FLEET.declarations_yaml)
    return path


def test_stacks_as_json_are_the_names_for_a_ci_matrix_accounts_first(declarations: Path) -> None:
    result = CliRunner().invoke(app, ["fleet", "stacks", "-d", str(declarations), "--stacks", "3", "--format", "json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == ["accounts", "orgs-0-of-3", "orgs-1-of-3", "orgs-2-of-3"]


def test_only_an_unknown_stack_is_refused_naming_the_fleets_stacks(declarations: Path) -> None:
    argv = ["fleet", "up", "-d", str(declarations), "--stacks", "3", "--only", "orgs-3-of-3"]

    result = CliRunner().invoke(app, argv, env={"PULUMI_BACKEND_URL": "file:///nowhere"})

    assert result.exit_code == 1
    assert "--only: no stack 'orgs-3-of-3' in this fleet; its stacks are accounts, orgs-0-of-3" in result.output


def test_only_keeps_the_fleets_order(decls: Declarations) -> None:
    specs = fleet_stacks(decls, STACKS, SEED)

    chosen = select_stacks(specs, ["orgs-2-of-3", "accounts"])

    assert [s.name for s in chosen] == ["accounts", "orgs-2-of-3"]


def test_the_accounts_stack_covers_the_home_orgs_accounts_and_an_org_stack_its_orgs(decls: Declarations) -> None:
    accounts, first, *_ = fleet_stacks(decls, STACKS, SEED)

    assert {(org, d.kind) for org, objects in stack_objects(decls, [accounts], SEED).items() for d in objects} == {
        (decls.homeOrg, "ServiceAccount")
    }
    assert list(stack_objects(decls, [first], SEED)) == list(first.orgs)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _locked_for(attempts: int) -> Callable[[], Result]:
    """An `up` refused by another runner's lock `attempts` times, then done."""
    calls = iter(range(attempts + 1))

    def attempt() -> Result:
        return REFUSED if next(calls) < attempts else DONE

    return attempt


def test_a_locked_stack_is_tried_again_until_it_is_free_within_the_lock_timeout() -> None:
    clock, notes = _Clock(), list[str]()

    done = while_locked(_locked_for(2), timeout=60, note=notes.append, sleep=clock.sleep, clock=lambda: clock.now)

    assert done == DONE
    assert clock.slept == [LOCK_POLL_SECONDS] * 2
    assert len(notes) == 2 and "locked by another runner" in notes[0]


def test_a_lock_held_past_the_lock_timeout_fails_the_stack_with_the_lock_message() -> None:
    clock = _Clock()

    done = while_locked(_locked_for(100), timeout=5, note=lambda _: None, sleep=clock.sleep, clock=lambda: clock.now)

    assert done.locked and LOCKED in done.stderr
    assert sum(clock.slept) == 5


def test_without_a_lock_timeout_a_locked_stack_fails_at_once() -> None:
    clock = _Clock()

    done = while_locked(_locked_for(1), timeout=0, note=lambda _: None, sleep=clock.sleep, clock=lambda: clock.now)

    assert done.locked

    assert clock.slept == []


def test_an_error_other_than_a_lock_is_never_retried() -> None:
    clock = _Clock()
    broken = Result("preview", 255, error=auto.CommandError(auto.CommandResult("", "error: preview failed", 255)))

    done = while_locked(lambda: broken, timeout=60, note=lambda _: None, sleep=clock.sleep, clock=lambda: clock.now)

    assert done is broken

    assert clock.slept == []
