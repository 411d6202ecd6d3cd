"""With permission changes slow to reach the data plane, `up` reports no false failure, and
`orgaccess doctor --wait` reports success once the change has taken effect."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from orgaccess.emulator.fleet_scenario import ADMIN_ID, ADMIN_SECRET, PREMIUM
from orgaccess.engine.result import Result
from tests.reliability.support import FleetRun, drifted_fleet

pytestmark = pytest.mark.e2e

# Long enough that the doctor run right after `up` still meets the old data plane.
DELAY_MS = 15000


@dataclass(frozen=True)
class Delayed:
    fleet: FleetRun
    up: Result
    # `orgaccess doctor --format json` right after `up`, before the change took effect.
    doctor_at_once: dict[str, Any]


@pytest.fixture(scope="module")
def delayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Delayed]:
    with drifted_fleet(tmp_path_factory.mktemp("propagation"), 4, seed=2) as fleet:
        fleet.platform.set_faults(propagationDelayMs=DELAY_MS)
        up = fleet.stack.up()
        yield Delayed(fleet, up, json.loads(_doctor(fleet, "--format", "json").stdout))


def _doctor(fleet: FleetRun, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ORGACCESS_API_URL": fleet.platform.url,
        "ORGACCESS_CLIENT_ID": ADMIN_ID,
        "ORGACCESS_CLIENT_SECRET": ADMIN_SECRET,
        "ORGACCESS_APP_CLIENT_SECRET": f"s3cret-{PREMIUM.id}",
    }
    argv = ["doctor", "--declarations", str(fleet.declarations_path), "--service-account", PREMIUM.name, *args]
    return subprocess.run(
        [sys.executable, "-m", "orgaccess", *argv], env=env, capture_output=True, text=True, timeout=120
    )


def test_up_reports_no_failure_while_changes_propagate(delayed: Delayed) -> None:
    assert delayed.up.returncode == 0, delayed.up.output[-4000:]


def test_the_state_matches_the_platform_at_once(delayed: Delayed) -> None:
    # Management reads see a change at once; only the data plane lags.
    result = delayed.fleet.stack.preview(expect_no_changes=True)
    assert result.returncode == 0, result.output[-4000:]


def test_doctor_right_after_up_says_the_fix_is_applied_but_not_yet_in_effect(delayed: Delayed) -> None:
    verdicts = {finding["verdict"] for finding in delayed.doctor_at_once["findings"]}
    assert "propagating" in verdicts and "fix-needed" not in verdicts, delayed.doctor_at_once


def test_doctor_wait_reports_success_once_the_change_takes_effect(delayed: Delayed) -> None:
    done = _doctor(delayed.fleet, "--wait", "60", "--format", "json")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert json.loads(done.stdout)["ok"] is True
