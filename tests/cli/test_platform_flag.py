"""`--platform`: every command that talks to the platform picks its dialect by flag, before env."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgaccess.cli.main import app
from orgaccess.declarations.access_yaml import load_declarations
from orgaccess.dialects import GENESYS_CLOUD
from orgaccess.engine.automation import LOCAL_PASSPHRASE
from orgaccess.plan.desired import per_org, plan
from orgaccess.reconciler.drift import Drift
from tests.cli.support import Cli

# The drift of genesys-403 against the Genesys example access.yaml, as only that dialect reads it.
GENESYS_DRIFT = {
    ("org-partner-a", "Role", "exists"),
    ("org-partner-a", "RoleBinding", "roles"),
    ("org-partner-b", "Role", "permissions"),
    ("org-partner-c", "LicenseFeature", "enabled"),
    ("org-partner-d", "LicenseFeature", "enabled"),
    ("org-partner-e", "RoleBinding", "divisions"),
}
ORGS = ("org-primary", "org-partner-a", "org-partner-c", "org-partner-d")
COMMANDS = [["doctor"], ["drift"], ["export", "--org", "org-primary"], ["fleet", "preview"], ["fleet", "up"],
            ["fleet", "drift"], ["fleet", "stacks"]]  # fmt: skip
# Wide enough that no message is wrapped inside typer's error box.
WIDE = {"COLUMNS": "200"}


def drift_fields(run_json: list[dict[str, object]]) -> set[tuple[str, str, str]]:
    return {(d.org, d.kind, d.field) for d in map(Drift.model_validate, run_json)}


def test_drift_speaks_genesys_cloud_with_the_flag(genesys_cli: Cli) -> None:
    run = genesys_cli("drift", "--platform", "genesys-cloud", "--format", "json")

    assert run.code == 2, run.stderr
    assert drift_fields(run.json()) == GENESYS_DRIFT


def test_the_flag_beats_the_env_variable(genesys_cli: Cli) -> None:
    run = genesys_cli("drift", "--platform", "genesys-cloud", "--format", "json", ORGACCESS_PLATFORM="seed")

    assert run.code == 2, run.stderr
    assert drift_fields(run.json()) == GENESYS_DRIFT


def test_export_speaks_genesys_cloud_with_the_flag(genesys_cli: Cli, tmp_path: Path) -> None:
    exported = tmp_path / "exported.yaml"
    orgs = [flag for org in ORGS for flag in ("--org", org)]

    run = genesys_cli("export", "--platform", "genesys-cloud", *orgs, "-o", str(exported))

    assert run.code == 0, run.stderr
    decls = load_declarations(exported, GENESYS_CLOUD)
    assert [r.permissions for r in decls.roles] == [["recording:screenRecording:view"]]
    assert "orgLock" not in exported.read_text()
    assert [a.name for a in decls.serviceAccounts] == ["Premium App"]  # not orgaccess's own admin client


def test_exported_genesys_state_has_no_drift(genesys_cli: Cli, tmp_path: Path) -> None:
    exported = tmp_path / "exported.yaml"
    orgs = [flag for org in ORGS for flag in ("--org", org)]
    genesys_cli("export", "--platform", "genesys-cloud", *orgs, "-o", str(exported))

    run = genesys_cli("drift", "--platform", "genesys-cloud", "-d", str(exported))

    assert run.code == 0, run.stdout + run.stderr


def test_fleet_stacks_reads_genesys_declarations_with_the_flag(genesys_cli: Cli) -> None:
    run = genesys_cli("fleet", "stacks", "--platform", "genesys-cloud", "--stacks", "2")

    assert run.code == 0, run.stderr
    # Each org's clients are in its org stack: a genesys-cloud fleet has no accounts stack.
    assert [line.split("\t")[0] for line in run.stdout.splitlines()] == ["orgs-0-of-2", "orgs-1-of-2"]


@pytest.mark.e2e
def test_fleet_previews_every_stack_on_genesys_cloud_with_the_flag(genesys_cli: Cli, tmp_path: Path) -> None:
    backend = tmp_path / "backend"
    backend.mkdir()
    argv = ["--stacks", "1", "--backend-url", f"file://{backend}", "--work-dir", str(tmp_path / "work")]

    run = genesys_cli("fleet", "drift", "--platform", "genesys-cloud", *argv, PULUMI_CONFIG_PASSPHRASE=LOCAL_PASSPHRASE)

    assert run.code == 2, run.stdout + run.stderr  # drift, and no stack failed
    planned = plan(load_declarations(genesys_cli.cwd / "access.yaml", GENESYS_CLOUD), GENESYS_CLOUD)
    accounts = sum(d.kind == "ServiceAccount" for d in planned)
    assert accounts == 6  # one app client per org that binds it: the genesys-cloud plan
    (row,) = [line for line in run.stdout.splitlines() if "orgs-0-of-1" in line]
    # The org stack creates one resource per org (its clients inside), the stack itself and its Convergence check.
    assert f"create {len(per_org(planned, GENESYS_CLOUD)) + 2}" in row


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_unknown_platform_exits_2_naming_the_choices(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--platform", "genesys"], env=WIDE)

    assert result.exit_code == 2
    assert "Invalid value for '--platform'" in result.output
    assert "'genesys' is not one of 'seed', 'genesys-cloud'" in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_platform_command_documents_the_flag(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env=WIDE)

    assert result.exit_code == 0, result.output
    assert "--platform" in result.output and "seed|genesys-cloud" in result.output
    assert "ORGACCESS_PLATFORM" in result.output
