"""A stack made by orgaccess 0.1 (one resource per object) upgrades to one resource per org with
a plain `pulumi up`, and the platform sees no write."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import Stack
from tests.e2e.e2e_support import drift_by_resource

pytestmark = pytest.mark.e2e

LAYOUT_0_1 = Path(__file__).parent / "layout_0_1" / "__main__.py"
SUPERSEDED = {"Role", "RoleBinding", "LicenseFeature"}


def _kinds(stack: Stack) -> list[str]:
    resources = stack.export()["deployment"]["resources"]
    return sorted(r["type"].rsplit(":", 1)[-1] for r in resources if "dynamic/orgaccess" in r["type"])


def _writes(platform: EmulatorHandle, since: int) -> list[str]:
    entries = platform.audit(since=since)
    return [f"{e.method} {e.path}" for e in entries if e.method != "GET" and e.path != "/oauth/token"]


@pytest.fixture(scope="module")
def stack_0_1(stack: Stack) -> Stack:
    """seed-403 fixed by orgaccess 0.1, then the checkout's program put back in its place."""
    program = stack.project_dir / "__main__.py"
    current = program.read_text()
    shutil.copy(LAYOUT_0_1, program)
    stack.up()  # fails only on the contract-managed license of org-partner-d
    program.write_text(current)
    return stack


def test_the_0_1_stack_holds_one_resource_per_object(stack_0_1: Stack) -> None:
    kinds = _kinds(stack_0_1)
    assert "OrgAccess" not in kinds
    assert set(kinds) >= SUPERSEDED


def test_up_moves_every_object_into_its_org_resource_without_a_platform_write(
    stack_0_1: Stack, platform: EmulatorHandle
) -> None:
    before = platform.audit_count()
    result = stack_0_1.up()
    assert _writes(platform, before) == []
    kinds = _kinds(stack_0_1)
    assert not SUPERSEDED & set(kinds), kinds
    assert any("left on the platform" in d.message for d in result.diagnostics), result.output


def test_after_the_upgrade_only_the_contract_managed_license_is_drift(stack_0_1: Stack) -> None:
    result = stack_0_1.preview(expect_no_changes=True)
    assert list(drift_by_resource(result)) == ["LicenseFeature::org-partner-d/analytics"]


def test_orgaccess_upgrade_leaves_the_seed_platforms_account_resources_alone(stack_0_1: Stack) -> None:
    # On the seed platform an account is a resource of its own; only genesys-cloud's clients moved.
    command = [
        sys.executable,
        "-m",
        "orgaccess",
        "upgrade",
        "--stack",
        stack_0_1.name,
        "--cwd",
        str(stack_0_1.project_dir),
    ]
    before = stack_0_1.export()

    done = subprocess.run(command, env=stack_0_1.env(), capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    assert "nothing to upgrade" in done.stdout
    assert "ServiceAccount" in _kinds(stack_0_1)
    assert stack_0_1.export() == before
