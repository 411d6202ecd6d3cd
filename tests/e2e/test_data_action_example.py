"""examples/data-action: the ServiceNow Data Action's own OAuth client declared as a second service
account converges in one `up` and passes `orgaccess doctor`, on the seed platform and on Genesys Cloud."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from orgaccess.demo.genesys import ADMINS, APP_SECRETS, ORGS
from orgaccess.emulator.api import Api
from orgaccess.emulator.harness import running_emulator
from orgaccess.engine.automation import PROJECT_DIR, Stack, project_stack
from tests.cli.support import ADMIN_ID, ADMIN_SECRET, Cli, admin_env, pulumi_env
from tests.e2e.e2e_support import failed_resources
from tests.e2e.genesys_support import genesys_stack

pytestmark = pytest.mark.e2e

EXAMPLES = PROJECT_DIR / "examples" / "data-action"
DATA_ACTION = "ServiceNow Data Action"
DECLARED_ORGS = ["org-primary", "org-partner-a", "org-partner-b", "org-partner-c"]


def doctor(cli: Cli, stack: Stack, declarations: Path) -> tuple[int, dict[tuple[str, str], dict[str, Any]]]:
    """`orgaccess doctor`, the Data Action's secrets from the stack that created its clients."""
    run = cli(
        "doctor",
        "--format",
        "json",
        "--declarations",
        str(declarations),
        "--app-secret-from-stack",
        str(stack.project_dir),
        "--stack",
        "dev",
        **pulumi_env(stack),
    )
    return run.code, {(f["org"], f["serviceAccount"]): f for f in run.json()["findings"]}


def assert_converged_and_passing(stack: Stack, cli: Cli, declarations: Path) -> None:
    assert failed_resources(stack.up()) == {}
    assert stack.preview(expect_no_changes=True).returncode == 0
    code, findings = doctor(cli, stack, declarations)
    assert {key: f["verdict"] for key, f in findings.items() if f["verdict"] != "ok"} == {}
    assert code == 0
    assert sorted(org for org, name in findings if name == DATA_ACTION) == sorted(DECLARED_ORGS)
    assert all(f["probe"]["httpStatus"] == 200 for (_, name), f in findings.items() if name == DATA_ACTION)


def test_on_seed_the_data_action_converges_and_doctor_passes(tmp_path: Path) -> None:
    declarations = EXAMPLES / "access.yaml"
    with running_emulator("seed-403", db=tmp_path / "emulator.db") as emulator:
        stack = project_stack(
            tmp_path / "backend",
            api_url=emulator.url,
            client_id=ADMIN_ID,
            client_secret=ADMIN_SECRET,
            declarations=declarations,
        )
        assert_converged_and_passing(stack, Cli(emulator.url, tmp_path, admin_env(emulator.url)), declarations)


def test_on_genesys_cloud_the_data_action_converges_and_doctor_passes(tmp_path: Path) -> None:
    declarations = EXAMPLES / "genesys-cloud.yaml"
    admins = {org: (ADMINS[org]["clientId"], ADMINS[org]["clientSecret"]) for org in ORGS}
    with running_emulator("genesys-403", dialect=Api.GENESYS_CLOUD) as emulator:
        stack = genesys_stack(tmp_path / "backend", emulator.url, admins, declarations)
        env = {
            "ORGACCESS_PLATFORM": Api.GENESYS_CLOUD.value,
            "ORGACCESS_API_URL": emulator.url,
            "ORGACCESS_ORG_CREDENTIALS": json.dumps(ADMINS),
            "ORGACCESS_APP_CLIENT_SECRETS": json.dumps(APP_SECRETS),
        }
        assert_converged_and_passing(stack, Cli(emulator.url, tmp_path, env), declarations)
