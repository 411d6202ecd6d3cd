"""200 drifted orgs in 8 org stacks converge concurrently on the PostgreSQL backend (make stress)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgaccess.emulator.fleet_scenario import generate
from orgaccess.emulator.harness import running_emulator
from tests.fleet.fleet_support import DRIFT, NO_DRIFT, UNTHROTTLED, FleetCli, isolated

pytestmark = [pytest.mark.e2e, pytest.mark.stress]

ORGS, STACKS = 200, 8


def test_two_hundred_drifted_orgs_in_eight_stacks_converge(postgres_url: str, tmp_path: Path) -> None:
    fleet = generate(ORGS, drift_fraction=0.3, seed=3)
    declarations = tmp_path / "access.yaml"
    declarations.write_text(fleet.declarations_yaml)
    with running_emulator(fleet.scenario) as emulator:
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED)
        runner = FleetCli(isolated(postgres_url), emulator.url, declarations, tmp_path / "runner", STACKS)
        before, _ = runner("drift", "--jobs", str(STACKS))
        converged, output = runner("up", "--jobs", str(STACKS))
        after, drift_output = runner("drift", "--jobs", str(STACKS))
    assert (before, converged, after) == (DRIFT, NO_DRIFT, NO_DRIFT), output + drift_output
