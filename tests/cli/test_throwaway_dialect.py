"""A dialect added in one module (tests/throwaway_dialect.py) is a platform `drift`, `doctor` and
`export` speak, with no other change: each command reaches it through the registry alone."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from orgaccess.cli.main import app
from orgaccess.declarations.access_yaml import load_declarations
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import PROJECT_DIR
from tests import throwaway_dialect
from tests.cli.support import PARTNERS, admin_env
from tests.throwaway_dialect import Throwaway

ACCESS_YAML = str(PROJECT_DIR / "access.yaml")


@pytest.fixture
def dialect() -> Iterator[Throwaway]:
    with throwaway_dialect.registered() as registered:
        yield registered


def orgaccess(emulator: EmulatorHandle, *args: str) -> Result:
    """`orgaccess ...` in this process, where the test registered the dialect."""
    env = {**admin_env(emulator.url), "ORGACCESS_PLATFORM": None, "COLUMNS": "200"}
    return CliRunner().invoke(app, list(args), env=env)


def test_drift_on_the_throwaway_dialect_finds_what_it_finds_on_seed(
    emulator: EmulatorHandle, dialect: Throwaway
) -> None:
    seed = orgaccess(emulator, "drift", "-d", ACCESS_YAML, "--format", "json", "--platform", "seed")
    throwaway = orgaccess(emulator, "drift", "-d", ACCESS_YAML, "--format", "json", "--platform", "throwaway")

    assert (throwaway.exit_code, throwaway.stdout) == (2, seed.stdout)
    assert json.loads(throwaway.stdout)
    assert dialect.asked[:2] == ["client", "preflight"]


def test_doctor_on_the_throwaway_dialect_runs_its_own_checks_and_probe(
    emulator: EmulatorHandle, dialect: Throwaway
) -> None:
    run = orgaccess(emulator, "doctor", "-d", ACCESS_YAML, "--format", "json", "--platform", "throwaway")

    findings = json.loads(run.stdout)["findings"]
    assert {f["org"] for f in findings} >= set(PARTNERS)
    assert all([c["cause"] for c in f["checks"]] == ["C3", "C4"] for f in findings)
    probed = [f["probe"]["evidence"] for f in findings if f["probe"]["status"] != "skip"]
    assert probed and all(e.startswith("the throwaway probe in ") for e in probed)
    assert {"diagnosis", "app_probe"} <= set(dialect.asked)


def test_export_on_the_throwaway_dialect_writes_access_yaml_it_loads(
    emulator: EmulatorHandle, dialect: Throwaway, tmp_path: Path
) -> None:
    # The orgs of seed-403 whose 'Recording Analyst' is one role: one access.yaml declares it once.
    exported = ["org-primary", "org-partner-c", "org-partner-d"]
    written = tmp_path / "access.yaml"
    orgs = [arg for org in exported for arg in ("--org", org)]
    run = orgaccess(emulator, "export", *orgs, "--platform", "throwaway", "-o", str(written))

    assert run.exit_code == 0, run.output
    assert [o.id for o in load_declarations(written, dialect).orgs] == sorted(exported)
    assert "unexportable" in dialect.asked


def test_nothing_under_orgaccess_names_the_throwaway_dialect() -> None:
    found = subprocess.run(
        ["grep", "-rlE", "throwaway_dialect|Throwaway|['\"]throwaway['\"]", str(PROJECT_DIR / "orgaccess")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.stdout == ""
