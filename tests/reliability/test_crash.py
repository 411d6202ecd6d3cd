"""`kill -9` of `pulumi up`, or of its provider process, at a seeded point between platform writes.
Recovered as docs/recovery.md says (orgaccess.engine.recovery), the next `up` converges: no duplicate,
no lost or extra grant, and the state matches the platform. Also without the engine's intermediate
checkpoints, as `orgaccess fleet up` runs every stack (fleet/runner.py): the kill loses the whole
run's record, and the next `up` reads the platform again."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from orgaccess.engine import recovery
from orgaccess.engine.result import Result
from orgaccess.reconciler.checkpoints import SKIPPED
from tests.reliability.support import (
    FIGURES,
    FleetRun,
    background_up,
    drifted_fleet,
    duplicate_roles,
    grant_differences,
    wait_for_writes,
)

pytestmark = pytest.mark.e2e

SEED = 20
# (victim, orgs, engine variables): the stress run crashes a larger fleet, where more is in flight at the kill.
CASES = [
    ("pulumi", 10, {}),
    ("provider", 10, {}),
    ("pulumi", 10, SKIPPED),
    pytest.param(("pulumi", 50, {}), marks=[pytest.mark.stress, pytest.mark.timeout(1200)]),
    pytest.param(("provider", 50, {}), marks=[pytest.mark.stress, pytest.mark.timeout(1200)]),
    pytest.param(("pulumi", 50, SKIPPED), marks=[pytest.mark.stress, pytest.mark.timeout(1200)]),
]
# Slow answers keep the run mid-flight at the kill, with writes done and writes to come.
LATENCY_MS = 150


@dataclass(frozen=True)
class Crash:
    fleet: FleetRun
    recovered: recovery.Recovered
    up_after: Result


def _case_id(case: tuple[str, int, dict[str, str]]) -> str:
    return f"{case[0]}-{case[1]}-orgs" + ("-no-intermediate-checkpoints" if case[2] else "")


@pytest.fixture(scope="module", params=CASES, ids=_case_id)
def crash(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crash]:
    victim, n_orgs, engine_env = request.param
    # The first writes of these fleets are few: the kill lands after one to three of them.
    kill_after = random.Random(f"{SEED}-{victim}-{n_orgs}").randint(1, 3)
    workdir = tmp_path_factory.mktemp(f"crash-{victim}")
    with drifted_fleet(workdir, n_orgs, seed=SEED, engine_env=engine_env) as fleet:
        fleet.platform.set_faults(latencyMs=LATENCY_MS)
        since = fleet.platform.audit_count()
        with background_up(fleet.stack) as up:
            wait_for_writes(fleet.platform, since, kill_after)
            up.kill_9(None if victim == "pulumi" else up.provider())
            up.finish(timeout=120)
        fleet.platform.set_faults()
        recovered = recovery.recover(fleet.stack)
        up_after = fleet.stack.up()
        FIGURES[f"crash-{_case_id(request.param)}"] = {
            "crashes_survived": int(up_after.returncode == 0),
            "killed_after_writes": kill_after,
            "pending_operations_dropped": recovered.dropped_operations,
            "stale_locks_released": recovered.released_locks,
        }
        yield Crash(fleet, recovered, up_after)


def test_the_next_up_after_recovery_converges(crash: Crash) -> None:
    assert crash.up_after.returncode == 0, crash.up_after.output[-4000:]


def test_the_crash_left_no_duplicate_role(crash: Crash) -> None:
    with crash.fleet.admin() as admin:
        assert duplicate_roles(admin, crash.fleet.declarations) == {}


def test_after_recovery_every_binding_holds_exactly_its_declared_roles(crash: Crash) -> None:
    with crash.fleet.admin() as admin:
        assert grant_differences(admin, crash.fleet.declarations) == []


def test_after_recovery_the_state_matches_the_platform(crash: Crash) -> None:
    result = crash.fleet.stack.preview(expect_no_changes=True, refresh=True)
    assert result.returncode == 0, result.output[-4000:]


def test_recovery_leaves_no_lock_and_no_pending_operation(crash: Crash) -> None:
    assert recovery.locks(crash.fleet.stack) == []
    assert recovery.pending_operations(crash.fleet.stack) == []
