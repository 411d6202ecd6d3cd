"""`orgaccess export`: access.yaml from live state; applying it changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgaccess.declarations.access_yaml import load_declarations
from orgaccess.dialects import SEED
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import project_stack
from tests.cli.fleetgen import HOME, generated_fleet
from tests.cli.support import ADMIN_ID, ADMIN_SECRET, PARTNERS, Cli, Converged

SEED_ORGS = ("org-primary", *PARTNERS)


def org_flags(orgs: list[str] | tuple[str, ...]) -> list[str]:
    return [flag for org in orgs for flag in ("--org", org)]


def applying_changes_nothing(emulator: EmulatorHandle, exported: Path, backend: Path) -> None:
    """A new stack of the exported file: `up`, then `preview --expect-no-changes` passes."""
    stack = project_stack(
        backend, api_url=emulator.url, client_id=ADMIN_ID, client_secret=ADMIN_SECRET, declarations=exported
    )
    stack.up().check()
    stack.preview(expect_no_changes=True).check()


@pytest.mark.e2e
def test_round_trip_on_seed_403_after_pulumi_up(converged: Converged, tmp_path: Path) -> None:
    run = converged.cli("export", *org_flags(SEED_ORGS), "-o", str(tmp_path / "exported.yaml"))

    assert run.code == 0, run.stderr
    decls = load_declarations(tmp_path / "exported.yaml", SEED)
    assert {a.name for a in decls.serviceAccounts} == {"Premium App", "Reader App"}  # not orgaccess's own
    partner_d = decls.org("org-partner-d")
    assert partner_d is not None and partner_d.licenses["analytics"] is False  # contract-managed: as it is live
    applying_changes_nothing(converged.emulator, tmp_path / "exported.yaml", tmp_path / "backend")


@pytest.mark.e2e
def test_round_trip_on_a_generated_fleet_of_50_orgs(emulator: EmulatorHandle, tmp_path: Path) -> None:
    fleet = generated_fleet(50, seed=7)
    emulator.load_scenario(fleet)
    orgs = [org["id"] for org in fleet["organizations"]]
    cli = Cli(emulator.url, tmp_path, {"ORGACCESS_API_URL": emulator.url, "ORGACCESS_CLIENT_ID": ADMIN_ID})
    (tmp_path / "admin.secret").write_text(ADMIN_SECRET + "\n")

    run = cli("export", *org_flags(orgs), "--client-secret-file", "admin.secret", "-o", "exported.yaml")

    assert run.code == 0, run.stderr
    assert load_declarations(tmp_path / "exported.yaml", SEED).homeOrg == HOME
    drift = cli("drift", "-d", "exported.yaml", "--client-secret-file", "admin.secret")
    assert drift.code == 0, drift.stdout
    applying_changes_nothing(emulator, tmp_path / "exported.yaml", tmp_path / "backend")


def test_output_is_sorted_stable_and_loadable(cli: Cli) -> None:
    orgs = ["org-partner-c", "org-primary", "org-partner-a"]

    first, second = cli("export", *org_flags(orgs)), cli("export", *org_flags(orgs[::-1]))

    assert first.code == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout.startswith("# access.yaml exported by `orgaccess export`")
    (cli.cwd / "exported.yaml").write_text(first.stdout)
    decls = load_declarations(cli.cwd / "exported.yaml", SEED)
    assert [org.id for org in decls.orgs] == sorted(orgs)
    assert "    scopes: [recording:view]\n" in first.stdout


def test_a_role_with_different_permissions_in_two_orgs_is_one_error_naming_both(cli: Cli) -> None:
    run = cli("export", *org_flags(["org-primary", "org-partner-b"]))

    assert run.code == 1
    assert run.stdout == ""
    (line,) = run.stderr.splitlines()
    assert line.startswith("orgaccess: error: role 'Recording Analyst' differs between orgs:")
    assert "[analytics:read] in 'org-partner-b'" in line and "[recording:view] in 'org-primary'" in line


def test_only_the_named_service_accounts_are_declared(cli: Cli) -> None:
    run = cli("export", "--org", "org-primary", "--service-account", "orgaccess admin")

    assert run.code == 0, run.stderr
    assert "name: orgaccess admin" in run.stdout and "Premium App" not in run.stdout


def test_an_unknown_service_account_is_an_error_listing_the_real_ones(cli: Cli) -> None:
    run = cli("export", "--org", "org-primary", "--service-account", "Premium Ap")

    assert run.code == 1
    assert run.stderr == (
        "orgaccess: error: service account 'Premium Ap' is not in home org 'org-primary'; "
        "it has: 'Premium App', 'orgaccess admin'\n"
    )
