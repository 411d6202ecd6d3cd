"""An org the platform will not let orgaccess read fails only its own resources; the others converge."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from e2e_support import ADMIN, drift_by_resource

from orgaccess.engine import Result, Stack
from orgaccess.platform.client import PlatformClient

pytestmark = pytest.mark.e2e

LOCKED_OUT = "org-partner-c"


@pytest.fixture(scope="module")
def locked_out(admin: PlatformClient) -> None:
    """The reconciler's own admin grant revoked in one org, as an operator might by mistake."""
    (role,) = admin.list_roles(LOCKED_OUT, name="admin")
    admin.revoke_role(LOCKED_OUT, ADMIN[0], role.id)


@pytest.fixture(scope="module")
def up(locked_out: None, stack: Stack) -> Result:
    return stack.up()


def failed_resources(result: Result) -> set[str]:
    return set(re.findall(r"pulumi-python:dynamic/orgaccess:\w+ \(([^)]+)\):\n\s+error:", result.stdout))


def test_preview_shows_the_unreadable_orgs_live_state_as_unknown(locked_out: None, stack: Stack) -> None:
    drift = drift_by_resource(stack.preview().check().stdout)
    unknown = {name for name, lines in drift.items() if lines[0].startswith("live state unknown: 403")}
    assert unknown and all(LOCKED_OUT in name for name in unknown), drift


def test_up_fails_only_the_unreadable_orgs_resources_and_the_contract_license(up: Result) -> None:
    assert up.returncode != 0
    assert {name.split("/")[0] for name in failed_resources(up)} == {LOCKED_OUT, "org-partner-d"}


def test_the_failure_names_the_org_and_the_call(up: Result) -> None:
    assert f"403 Forbidden in org '{LOCKED_OUT}'" in up.stdout


def test_the_other_partner_orgs_converge(up: Result, probe: Callable[[str], int]) -> None:
    assert [probe(org) for org in ("org-partner-a", "org-partner-b")] == [200, 200]
