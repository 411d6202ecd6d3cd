"""`orgaccess doctor` on genesys-cloud: each org's own client checked, and which causes do not exist there."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import SecretStr

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.genesys.client import GenesysClient
from orgaccess.platform.models import EVERY_DIVISION
from tests.cli.support import Cli


@pytest.fixture
def cli(genesys_cli: Cli) -> Cli:
    return genesys_cli


def by_org(run_json: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["org"]: f for f in run_json["findings"]}


def statuses(finding: dict[str, Any]) -> dict[str, str]:
    return {c["cause"]: c["status"] for c in finding["checks"]}


def test_names_the_cause_of_each_partner_org_and_exits_1(cli: Cli) -> None:
    run = cli("doctor", "--platform", "genesys-cloud", "--format", "json")
    assert run.code == 1, run.stderr
    report = by_org(run.json())
    failing = {org: sorted(c for c, s in statuses(f).items() if s == "fail") for org, f in report.items()}
    assert failing == {
        "org-primary": [],
        "org-partner-a": ["C3"],
        "org-partner-b": ["C3"],
        "org-partner-c": ["C4"],
        "org-partner-d": ["C4"],
        "org-partner-e": ["C7"],
    }
    assert report["org-primary"]["verdict"] == "ok"
    assert "403" in report["org-partner-a"]["probe"]["evidence"]
    assert "premium-app-a" in report["org-partner-a"]["probe"]["evidence"]


def test_says_which_causes_do_not_exist_on_genesys_cloud(cli: Cli) -> None:
    run = cli("doctor", "--format", "json", ORGACCESS_PLATFORM="genesys-cloud")
    checks = {c["cause"]: c for c in by_org(run.json())["org-partner-a"]["checks"]}
    for cause in ("C1", "C2", "C6"):
        assert checks[cause]["status"] == "skip"
        assert checks[cause]["evidence"].startswith("does not exist on genesys-cloud"), checks[cause]
    assert checks["C5"]["status"] == "pass"


def test_an_org_without_the_apps_client_fails_c5_with_the_fix(cli: Cli, genesys: EmulatorHandle) -> None:
    credentials = {"org-partner-a": ("orgaccess-admin-a", SecretStr("s3cret-admin-a"))}
    with GenesysClient(genesys.url, credentials) as admin:
        admin.delete_client("org-partner-a", "premium-app-a")
    run = cli("doctor", "--format", "json", ORGACCESS_PLATFORM="genesys-cloud")
    c5 = next(c for c in by_org(run.json())["org-partner-a"]["checks"] if c["cause"] == "C5")
    assert c5["status"] == "fail" and c5["remedy"] == "pulumi-up"
    assert "it is created" in c5["fix"]


def test_a_disabled_toggle_is_not_claimed_self_service(cli: Cli) -> None:
    run = cli("doctor", "--format", "json", ORGACCESS_PLATFORM="genesys-cloud")
    c4 = next(c for c in by_org(run.json())["org-partner-d"]["checks"] if c["cause"] == "C4")
    assert "selfService" not in c4["evidence"]
    assert c4["fix"].endswith("if Genesys refuses the switch, it needs a contract change")


def test_a_refused_login_is_reported_with_the_oauth_error(cli: Cli) -> None:
    secrets = {"Premium App": {"org-partner-a": "not-the-app-secret"}}
    run = cli(
        "doctor",
        "--format",
        "json",
        ORGACCESS_PLATFORM="genesys-cloud",
        ORGACCESS_APP_CLIENT_SECRETS=json.dumps(secrets),
    )
    probe = by_org(run.json())["org-partner-a"]["probe"]
    assert probe["status"] == "fail" and probe["httpStatus"] == 401
    assert probe["evidence"].startswith(
        "the login of 'premium-app-a' in org-partner-a: POST /oauth/token answered 401 invalid_client"
    )
    assert "not-the-app-secret" not in run.stdout + run.stderr


def test_a_role_granted_in_the_home_division_only_fails_c7_naming_both_divisions(cli: Cli) -> None:
    run = cli("doctor", "--format", "json", ORGACCESS_PLATFORM="genesys-cloud")
    finding = by_org(run.json())["org-partner-e"]
    c7 = next(c for c in finding["checks"] if c["cause"] == "C7")
    assert "the role reaches divisions [Home]; the recordings are in [Queue East]" in c7["evidence"]
    # The example access.yaml grants it in every division: `pulumi up` is the fix.
    assert (c7["remedy"], c7["fix"]) == ("pulumi-up", "pulumi up: access.yaml grants the role in divisions [*]")
    # The call itself answers 200, with none of the recordings.
    assert finding["probe"]["httpStatus"] == 200 and "0 screen recordings" in finding["probe"]["evidence"]


def test_c7_passes_where_the_role_reaches_every_division_with_queues(cli: Cli) -> None:
    run = cli("doctor", "--format", "json", ORGACCESS_PLATFORM="genesys-cloud")
    c7 = next(c for c in by_org(run.json())["org-primary"]["checks"] if c["cause"] == "C7")
    assert c7["status"] == "pass" and "reaches divisions [Home]" in c7["evidence"]


def test_c7_passes_once_the_role_is_granted_in_every_division(cli: Cli, genesys: EmulatorHandle) -> None:
    credentials = {"org-partner-e": ("orgaccess-admin-e", SecretStr("s3cret-admin-e"))}
    with GenesysClient(genesys.url, credentials) as admin:
        analyst = admin.list_roles("org-partner-e", name="Recording Analyst")[0]
        admin.grant_role("org-partner-e", "premium-app-e", analyst.id, EVERY_DIVISION)
    run = cli("doctor", "--format", "json", ORGACCESS_PLATFORM="genesys-cloud")
    finding = by_org(run.json())["org-partner-e"]
    c7 = next(c for c in finding["checks"] if c["cause"] == "C7")
    assert c7["status"] == "pass" and c7["evidence"].endswith("the role is granted in every division ('*')")
    assert finding["verdict"] == "ok" and "4 screen recordings" in finding["probe"]["evidence"]
