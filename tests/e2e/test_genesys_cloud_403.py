"""The 403 story on genesys-cloud, on the real engine: genesys-403 previewed, fixed by `up`, verified."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from orgaccess.demo.genesys import ORGS
from orgaccess.emulator.api import Api
from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine.automation import PROJECT_DIR, Stack
from orgaccess.platform.genesys.client import GenesysClient
from tests.e2e.e2e_support import assert_drift, drift_by_resource, failed_resources
from tests.e2e.genesys_support import app_status, genesys_stack

pytestmark = pytest.mark.e2e

DECLARATIONS = PROJECT_DIR / "examples" / "genesys-cloud" / "access.yaml"
EXPECTED_DRIFT = {
    "Role::org-partner-a/Recording Analyst": "missing on the platform",
    "Role::org-partner-b/Recording Analyst": (
        "permissions: live [analytics:conversationDetail:view] -> declared [recording:screenRecording:view]"
    ),
    "RoleBinding::org-partner-a/Premium App": "roles: live [] -> declared [Recording Analyst]",
    "LicenseFeature::org-partner-c/analytics": "enabled: live false -> declared true",
    "LicenseFeature::org-partner-d/analytics": "enabled: live false -> declared true",
    "RoleBinding::org-partner-e/Premium App": "divisions: live [Home] -> declared [*]",
}


@pytest.fixture(scope="module")
def platform() -> Iterator[EmulatorHandle]:
    with running_emulator("genesys-403", dialect=Api.GENESYS_CLOUD) as handle:
        yield handle


@pytest.fixture(scope="module")
def stack(platform: EmulatorHandle, tmp_path_factory: pytest.TempPathFactory) -> Stack:
    admins = {org: (f"orgaccess-admin-{n}", f"s3cret-admin-{n}") for org, n in ORGS.items()}
    return genesys_stack(tmp_path_factory.mktemp("state"), platform.url, admins, DECLARATIONS)


def statuses(platform: EmulatorHandle) -> list[int]:
    return [app_status(platform.url, org, f"premium-app-{n}", f"s3cret-app-{n}") for org, n in ORGS.items()]


def sessions_in_partner_e(platform: EmulatorHandle) -> int:
    with GenesysClient(platform.url, {"org-partner-e": ("premium-app-e", SecretStr("s3cret-app-e"))}) as app:
        return app.screen_sessions("org-partner-e")


def test_each_orgs_app_client_gets_403_in_every_partner_org_before_the_fix(platform: EmulatorHandle) -> None:
    assert statuses(platform) == [200, 403, 403, 403, 403, 200]


def test_in_partner_e_the_app_reaching_the_home_division_only_sees_none_of_its_recordings(
    platform: EmulatorHandle,
) -> None:
    assert sessions_in_partner_e(platform) == 0


def test_preview_shows_the_drift_of_each_cause_and_writes_nothing(stack: Stack, platform: EmulatorHandle) -> None:
    before = platform.audit_count()
    assert_drift(stack.preview().check(), EXPECTED_DRIFT)
    methods = {e.method for e in platform.audit(since=before) if e.path != "/oauth/token"}
    assert methods == {"GET"}


def test_up_fixes_all_but_the_contract_managed_toggle(stack: Stack) -> None:
    failed = failed_resources(stack.up())
    assert list(failed) == ["org-partner-d/analytics"]
    assert "contract change" in failed["org-partner-d/analytics"]


def test_each_orgs_app_client_gets_200_but_in_the_contract_managed_org(platform: EmulatorHandle) -> None:
    assert statuses(platform) == [200, 200, 200, 200, 403, 200]


def test_in_partner_e_the_app_granted_in_every_division_sees_its_recordings(platform: EmulatorHandle) -> None:
    assert sessions_in_partner_e(platform) == 4


def test_after_up_only_the_contract_managed_toggle_remains_as_drift(stack: Stack) -> None:
    result = stack.preview(expect_no_changes=True)
    assert result.returncode != 0
    assert list(drift_by_resource(result)) == ["LicenseFeature::org-partner-d/analytics"]


def test_each_org_has_its_own_client_output_and_no_admin_secret_is_in_the_state(stack: Stack) -> None:
    outputs = stack.outputs()
    assert sorted(outputs["serviceAccounts"]["Premium App"]) == sorted(ORGS)
    blob = str(stack.export()) + str(outputs)
    assert not any(f"s3cret-admin-{n}" in blob for n in ORGS.values())


def test_a_declared_org_lock_stops_the_preview_at_its_line(stack: Stack, tmp_path: Path) -> None:
    locked = tmp_path / "access.yaml"
    text = DECLARATIONS.read_text().replace("    scopes: []\n", "    scopes: []\n    orgLock: LINKED_ORGS\n")
    locked.write_text(text)
    line = text.splitlines().index("    orgLock: LINKED_ORGS") + 1
    stack.set_config("orgaccess:declarations", str(locked))
    try:
        result = stack.preview()
    finally:
        stack.set_config("orgaccess:declarations", str(DECLARATIONS))
    assert result.returncode != 0
    assert any(f"{locked}:{line}: orgLock does not exist on genesys-cloud" in e.message for e in result.errors)


def test_a_division_no_longer_declared_is_revoked_by_up(stack: Stack, platform: EmulatorHandle, tmp_path: Path) -> None:
    home_only = tmp_path / "access.yaml"
    home_only.write_text(DECLARATIONS.read_text().replace(", divisions: ['*']}", "}"))
    stack.set_config("orgaccess:declarations", str(home_only))
    try:
        assert "RoleBinding::org-partner-e/Premium App" in drift_by_resource(stack.preview())
        stack.up()
    finally:
        stack.set_config("orgaccess:declarations", str(DECLARATIONS))
    admin = {"org-partner-e": ("orgaccess-admin-e", SecretStr("s3cret-admin-e"))}
    with GenesysClient(platform.url, admin) as client:
        grants = client.list_subject_grants("org-partner-e", "premium-app-e")
    assert [(g.role.name, g.division.name) for g in grants] == [("Recording Analyst", "Home")]
    assert sessions_in_partner_e(platform) == 0
