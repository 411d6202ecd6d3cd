"""The README's story on the real engine: seed-403 previewed, fixed by `pulumi up`, verified."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import Stack
from orgaccess.reconciler.kinds.base import known_objects
from tests.e2e.e2e_support import ADMIN, APP, ORGS, PARTNERS, drift_by_resource, failed_resources

pytestmark = pytest.mark.e2e

# Before `up`: every object is adopted ("create"); these are the ones whose drift the preview spells out.
EXPECTED_DRIFT = {
    "ServiceAccount::org-primary/Premium App": "orgLock: live 'PRIMARY_ONLY' -> declared 'LINKED_ORGS'",
    "Role::org-partner-a/Recording Analyst": "missing on the platform",
    "Role::org-partner-a/Screen Recording Admin": "missing on the platform",
    "Role::org-partner-b/Recording Analyst": "permissions: live [analytics:read] -> declared [recording:view]",
    "RoleBinding::org-partner-a/Premium App": "roles: live [] -> declared [Recording Analyst, Screen Recording Admin]",
    "LicenseFeature::org-partner-c/analytics": "enabled: live false -> declared true",
    "LicenseFeature::org-partner-d/analytics": "enabled: live false -> declared true (NOT FIXABLE",
}


def test_the_app_gets_403_in_every_partner_org_before_the_fix(probe: Callable[[str], int]) -> None:
    assert probe("org-primary") == 200
    assert [probe(org) for org in PARTNERS] == [403] * 4


def test_preview_shows_the_drift_of_each_cause_and_nothing_else(stack: Stack) -> None:
    result = stack.preview()
    assert result.returncode == 0, result.output
    drift = drift_by_resource(result)
    assert set(drift) == set(EXPECTED_DRIFT)
    for resource, text in EXPECTED_DRIFT.items():
        assert drift[resource][0].startswith(text), (resource, drift[resource])


def test_preview_writes_nothing_to_the_platform(stack: Stack, platform: EmulatorHandle) -> None:
    before = platform.audit_count()
    stack.preview().check()
    writes = [e for e in platform.audit(since=before) if e.method != "GET" and e.path != "/oauth/token"]
    assert writes == []


def test_up_fixes_all_but_the_contract_managed_license(stack: Stack) -> None:
    result = stack.up()
    assert result.returncode != 0
    failed = failed_resources(result)
    assert list(failed) == ["org-partner-d/analytics"]
    assert "contract change" in failed["org-partner-d/analytics"]


def test_the_org_with_a_contract_managed_license_is_saved_with_the_objects_that_converged(stack: Stack) -> None:
    resources = stack.export()["deployment"]["resources"]
    (org,) = [r for r in resources if r["type"].endswith(":OrgAccess") and r["id"] == "org-partner-d"]
    assert sorted(known_objects(org["outputs"])) == ["Role Recording Analyst", "RoleBinding Premium App"]
    (failed,) = org["outputs"]["failed"]
    assert failed.startswith("org-partner-d, LicenseFeature analytics: ")


def test_the_app_gets_200_everywhere_but_in_the_contract_managed_org(probe: Callable[[str], int]) -> None:
    assert [probe(org) for org in ORGS] == [200, 200, 200, 200, 403]


def test_the_contract_managed_reason_is_in_the_platform_audit(platform: EmulatorHandle) -> None:
    (last,) = [e for e in platform.audit() if e.path.endswith("screenrecordings")][-1:]
    assert last.org == "org-partner-d" and last.reason == "C4.license.disabled"


def test_after_up_only_the_contract_managed_license_remains_as_drift(stack: Stack) -> None:
    result = stack.preview(expect_no_changes=True)
    assert result.returncode != 0
    assert list(drift_by_resource(result)) == ["LicenseFeature::org-partner-d/analytics"]


def test_the_secrets_of_the_scenario_are_in_no_output_and_not_in_the_state(stack: Stack) -> None:
    outputs = [stack.preview().output, json.dumps(stack.outputs())]
    state = stack.export()
    blob = "\n".join(outputs) + str(state)
    for secret in (ADMIN[1], APP[1]):
        assert secret not in blob
    assert not any(
        secret in p.read_text(errors="ignore")
        for p in stack.backend_dir.rglob("*")
        if p.is_file()
        for secret in (ADMIN[1], APP[1])
    )
