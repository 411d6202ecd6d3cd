"""`orgaccess doctor`: for each declared org, the cause of the 403, its evidence and its fix."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.models import OAuthClientUpdate, OrgLock
from tests.cli.support import PARTNERS, Cli, Converged, pulumi_env


def findings(run_json: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["org"], f["serviceAccount"]): f for f in run_json["findings"]}


def failing(finding: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["cause"]: c for c in finding["checks"] if c["status"] == "fail"}


def test_on_seed_403_names_the_cause_of_each_partner_org_and_exits_1(cli: Cli) -> None:
    run = cli("doctor", "--format", "json")

    assert run.code == 1, run.stderr
    report = findings(run.json())
    assert report[("org-primary", "Premium App")]["verdict"] == "ok"
    causes = {org: failing(report[(org, "Premium App")]) for org in PARTNERS}
    # Premium App is PRIMARY_ONLY: every partner org has C2, besides its own cause.
    assert {org: sorted(c) for org, c in causes.items()} == {
        "org-partner-a": ["C2", "C3"],
        "org-partner-b": ["C2", "C3"],
        "org-partner-c": ["C2", "C4"],
        "org-partner-d": ["C2", "C4"],
    }
    assert "no role is granted" in causes["org-partner-a"]["C3"]["evidence"]
    assert "'Recording Analyst' [analytics:read]" in causes["org-partner-b"]["C3"]["evidence"]
    assert causes["org-partner-c"]["C4"]["remedy"] == "pulumi-up"
    assert causes["org-partner-d"]["C4"]["remedy"] == "contract-change"
    assert "contract change" in causes["org-partner-d"]["C4"]["fix"]
    assert all(c["C2"]["remedy"] == "pulumi-up" for c in causes.values())


def test_probes_as_the_app_with_the_org_header_and_shows_the_403(cli: Cli, emulator: EmulatorHandle) -> None:
    since = emulator.audit_count()
    run = cli("doctor", "--format", "json")

    partner_a = findings(run.json())[("org-partner-a", "Premium App")]
    assert partner_a["probe"]["status"] == "fail" and partner_a["probe"]["httpStatus"] == 403
    (header,) = [c for c in partner_a["checks"] if c["cause"] == "C6"]
    assert "X-GCC-Organization-Id: org-partner-a" in header["evidence"]
    probes = [e for e in emulator.audit(since) if e.path == "/api/v2/analytics/screenrecordings"]
    assert {(e.client, e.org) for e in probes} >= {("premium-app", org) for org in PARTNERS}


def test_text_report_gives_each_failing_check_its_fix_and_a_summary(cli: Cli) -> None:
    run = cli("doctor")

    assert run.code == 1
    assert "FAIL C2 org lock" in run.stdout
    assert "fix: pulumi up: access.yaml declares orgLock: LINKED_ORGS" in run.stdout
    assert run.stdout.rstrip().splitlines()[-1].startswith("4 of 5 failing: org-partner-a (C2, C3)")


def test_without_the_app_secret_the_probe_is_skipped_and_says_where_to_put_it(cli: Cli) -> None:
    run = cli("doctor", "--format", "json", ORGACCESS_APP_CLIENT_SECRET="")

    primary = findings(run.json())[("org-primary", "Premium App")]
    assert primary["probe"]["status"] == "skip"
    assert "ORGACCESS_APP_CLIENT_SECRET" in primary["probe"]["evidence"]


def test_a_wrong_app_secret_fails_the_probe_without_blaming_access(cli: Cli) -> None:
    run = cli("doctor", "--format", "json", ORGACCESS_APP_CLIENT_SECRET="not-the-secret")

    assert run.code == 1
    primary = findings(run.json())[("org-primary", "Premium App")]
    assert primary["verdict"] == "probe-failed"
    assert primary["probe"]["httpStatus"] == 401


def fixed_behind_propagation(cli: Cli, emulator: EmulatorHandle, delay_ms: int) -> Cli:
    """org-partner-c fixed by hand, with the data plane seeing it only `delay_ms` later; doctor on that org alone."""
    emulator.set_faults(propagationDelayMs=delay_ms)
    with PlatformClient(emulator.url, "orgaccess-admin", "s3cret-admin") as admin:
        app = next(c for c in admin.list_clients("org-primary") if c.id == "premium-app")
        update = {**app.model_dump(include=set(OAuthClientUpdate.model_fields)), "orgLock": OrgLock.LINKED_ORGS}
        admin.update_client("org-primary", app.id, OAuthClientUpdate.model_validate(update))
        admin.set_license_feature("org-partner-c", "analytics", True)
    declarations = yaml.safe_load((cli.cwd / "access.yaml").read_text())
    declarations["orgs"] = [org for org in declarations["orgs"] if org["id"] == "org-partner-c"]
    (cli.cwd / "access.yaml").write_text(yaml.safe_dump(declarations))
    return cli


def test_a_fix_not_yet_in_effect_is_told_apart_from_a_missing_one(cli: Cli, emulator: EmulatorHandle) -> None:
    # Ten minutes: however slowly a loaded machine starts the CLI, the fix is not in effect yet.
    run = fixed_behind_propagation(cli, emulator, delay_ms=600_000)("doctor")

    assert run.code == 1
    assert "FIX APPLIED, NOT YET IN EFFECT" in run.stdout
    assert "rerun with --wait" in run.stdout


def test_wait_probes_again_until_the_fix_takes_effect(cli: Cli, emulator: EmulatorHandle) -> None:
    # The wait ends as soon as the probe passes: a long --wait costs nothing when the machine is fast.
    run = fixed_behind_propagation(cli, emulator, delay_ms=3000)("doctor", "--format", "json", "--wait", "120")

    assert run.code == 0, run.stdout
    (finding,) = run.json()["findings"]
    assert finding["verdict"] == "ok" and finding["probe"]["httpStatus"] == 200


@pytest.mark.e2e
def test_after_pulumi_up_everything_passes_but_the_contract_managed_org(converged: Converged) -> None:
    project = str(converged.stack.project_dir)
    run = converged.cli(
        "doctor",
        "--format",
        "json",
        "--app-secret-from-stack",
        project,
        "--stack",
        "cli",
        **pulumi_env(converged.stack),
    )

    assert run.code == 1, run.stderr
    report = findings(run.json())
    not_ok = {key: sorted(failing(f)) for key, f in report.items() if f["verdict"] != "ok"}
    assert not_ok == {("org-partner-d", "Premium App"): ["C4"]}
    # Reader App was created by the stack: its probe ran with the secret from the stack's outputs.
    assert report[("org-partner-a", "Reader App")]["probe"]["httpStatus"] == 200
