"""A genesys-cloud stack made when each org's client was a resource of its own, taken over by hand:
`pulumi up` adopts the clients into their orgs' resources and refuses to drop the resources that hold
the secret of a client orgaccess made, `orgaccess upgrade` moves that secret into its org's resource,
and the next `up` finishes; the platform sees no client written, every app keeps its secret.

The genesys-403 scenario, its Premium App clients adopted, with one more account that orgaccess
makes in the home org and in org-partner-a.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orgaccess.demo.genesys import DECLARATIONS
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import Stack
from orgaccess.engine.result import Result
from tests.e2e.e2e_support import drift_by_resource
from tests.e2e.genesys_support import genesys_403, genesys_403_stack
from tests.fleet.fleet_support import client_writes

pytestmark = pytest.mark.e2e

CLIENTS_APART = Path(__file__).parent / "layout_clients_apart" / "__main__.py"
CLIENT = "pulumi-python:dynamic/orgaccess:ServiceAccount"
NEW = "Upgrade Bot"


@pytest.fixture(scope="module")
def platform() -> Iterator[EmulatorHandle]:
    yield from genesys_403()


def _with_a_new_account(work: Path) -> Path:
    """The example's declarations with `NEW` declared and bound in org-partner-a beside Premium App."""
    text = DECLARATIONS.read_text()
    account = f"  - {{name: {NEW}, grantType: client_credentials, scopes: []}}\n\nroles:"
    premium = "      - {serviceAccount: Premium App, roles: [Recording Analyst]}"
    binding = f"{premium}\n      - {{serviceAccount: {NEW}, roles: [Recording Analyst]}}"
    head, partner_a, tail = text.partition("  - id: org-partner-a\n")
    partner_a += tail.replace(premium, binding, 1)
    declared = work / "access.yaml"
    declared.write_text(head.replace("\nroles:", f"\n{account}", 1) + partner_a)
    return declared


@pytest.fixture(scope="module")
def older(platform: EmulatorHandle, tmp_path_factory: pytest.TempPathFactory) -> tuple[Stack, dict[str, Any], int]:
    """The stack as the older program left it, its accounts' outputs, and the audit's length then."""
    work = tmp_path_factory.mktemp("clients-apart")
    stack = genesys_403_stack(work, platform.url)
    stack.set_config("orgaccess:declarations", str(_with_a_new_account(work)))
    program = stack.project_dir / "__main__.py"
    current = program.read_text()
    shutil.copy(CLIENTS_APART, program)
    stack.up()  # fails only on the contract-managed license of org-partner-d
    program.write_text(current)
    return stack, stack.outputs(show_secrets=True)["serviceAccounts"], platform.audit_count()


@pytest.fixture(scope="module")
def refused(older: tuple[Stack, dict[str, Any], int]) -> Result:
    return older[0].up()


def _client_resources(stack: Stack) -> list[str]:
    return [r["urn"] for r in stack.export()["deployment"]["resources"] if r["type"] == CLIENT]


def _upgrade(stack: Stack) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "orgaccess", "upgrade", "--stack", stack.name, "--cwd", str(stack.project_dir)]
    return subprocess.run(command, env=stack.env(), capture_output=True, text=True, timeout=120, check=False)


def test_the_older_stack_made_clients_of_its_own(older: tuple[Stack, dict[str, Any], int]) -> None:
    stack, accounts, _ = older

    assert len(_client_resources(stack)) == len(accounts["Premium App"]) + 2
    assert sorted(accounts[NEW]) == ["org-partner-a", "org-primary"]
    assert all(client["secret"] for client in accounts[NEW].values())


def test_up_keeps_the_resources_of_the_clients_it_made_naming_the_command(
    older: tuple[Stack, dict[str, Any], int], refused: Result
) -> None:
    stack, _, _ = older

    said = " ".join(" ".join(d.message.split()) for d in refused.errors)
    assert said.count("run `orgaccess upgrade` in the project") == 2, said
    # The adopted clients' resources are released; the made ones' stay, with their secrets.
    assert sorted(urn.rsplit("::", 1)[-1] for urn in _client_resources(stack)) == [
        f"org-partner-a/{NEW}",
        f"org-primary/{NEW}",
    ]


def test_upgrade_moves_them_into_their_orgs_resources(
    older: tuple[Stack, dict[str, Any], int], refused: Result
) -> None:
    stack, _, _ = older

    done = _upgrade(stack)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "moved 2 client(s)" in done.stdout
    assert _client_resources(stack) == []


def test_the_next_up_succeeds_but_for_the_contract_managed_license(older: tuple[Stack, dict[str, Any], int]) -> None:
    stack, _, _ = older

    result = stack.up()

    # The stack's Convergence check fails with it, as it did before the upgrade.
    assert [urn.rsplit("::", 1)[-1] for urn in result.errors_by_urn()] == ["convergence"], result.output


def test_every_app_keeps_its_client_and_secret(older: tuple[Stack, dict[str, Any], int]) -> None:
    stack, accounts, _ = older

    assert stack.outputs(show_secrets=True)["serviceAccounts"] == accounts


def test_the_platform_saw_no_client_created_changed_or_deleted(
    older: tuple[Stack, dict[str, Any], int], platform: EmulatorHandle
) -> None:
    _, _, audited = older
    assert client_writes(platform, audited) == []


def test_afterwards_only_the_contract_managed_toggle_remains_as_drift(older: tuple[Stack, dict[str, Any], int]) -> None:
    result = older[0].preview(expect_no_changes=True)

    assert list(drift_by_resource(result)) == ["LicenseFeature::org-partner-d/analytics"]


def test_a_second_upgrade_has_nothing_to_do(older: tuple[Stack, dict[str, Any], int]) -> None:
    done = _upgrade(older[0])

    assert done.returncode == 0, done.stderr
    assert "nothing to upgrade" in done.stdout
