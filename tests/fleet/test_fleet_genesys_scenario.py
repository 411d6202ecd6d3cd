"""The generated genesys-cloud fleet of the benchmarks: declared as that dialect accepts it, one admin
client per org in the credentials file, drifted as asked, and converged everywhere else."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bench.fleet_platform import CREDENTIALS_FILE, fleet_login
from orgaccess.declarations.access_yaml import fleet_org_ids, load_declarations
from orgaccess.dialects import GENESYS_CLOUD
from orgaccess.emulator.api import Api
from orgaccess.emulator.fleet_scenario import GENESYS_CAUSES, generate
from orgaccess.emulator.harness import running_emulator

ORGS = 24
# This seed gives each of the six causes at least one org.
FLEET = generate(ORGS, drift_fraction=0.5, seed=1, api=Api.GENESYS_CLOUD)


def test_its_access_yaml_loads_with_the_genesys_cloud_dialect(tmp_path: Path) -> None:
    declarations = tmp_path / "access.yaml"
    declarations.write_text(FLEET.declarations_yaml)

    decls = load_declarations(declarations, GENESYS_CLOUD)

    assert len(fleet_org_ids(decls)) == ORGS
    assert "orgLock" not in FLEET.declarations_yaml


def test_every_org_has_its_own_admin_client_in_the_credentials_file_readable_by_its_owner_only(
    tmp_path: Path,
) -> None:
    login = fleet_login(FLEET, tmp_path)
    path = tmp_path / CREDENTIALS_FILE

    credentials = json.loads(path.read_text())
    admins = {
        org["id"]: {grant["subject"] for grant in org["grants"] if grant["role"] == "admin"}
        for org in FLEET.scenario["organizations"]
    }
    assert sorted(credentials) == sorted(admins)
    assert all(credentials[org]["clientId"] in admins[org] for org in admins)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert login.env("http://127.0.0.1:9")["ORGACCESS_ORG_CREDENTIALS"] == str(path)


@pytest.mark.parametrize(("orgs", "fraction", "drifted"), [(60, 1 / 3, 20), (25, 0.3, 8), (10, 0.0, 0), (7, 1.0, 7)])
def test_the_drifted_share_is_the_one_asked_for(orgs: int, fraction: float, drifted: int) -> None:
    assert len(generate(orgs, drift_fraction=fraction, api=Api.GENESYS_CLOUD).drifted) == drifted


def test_orgaccess_drift_finds_exactly_the_drifted_orgs_whatever_their_cause(tmp_path: Path) -> None:
    assert set(FLEET.drifted.values()) == set(GENESYS_CAUSES)
    declarations = tmp_path / "access.yaml"
    declarations.write_text(FLEET.declarations_yaml)
    login = fleet_login(FLEET, tmp_path)

    with running_emulator(FLEET.scenario, dialect=FLEET.api) as emulator:
        done = subprocess.run(
            [sys.executable, "-m", "orgaccess", "drift", "-d", str(declarations), "--format", "json"],
            env=login.env(emulator.url),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert done.returncode == 2, done.stderr
    assert {record["org"] for record in json.loads(done.stdout)} == set(FLEET.drifted)
