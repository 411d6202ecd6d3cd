"""Drift in a plain `pulumi preview` on genesys-cloud, on the real engine: the same as on the seed dialect.

One story on genesys-403, in order: the first preview, the `up`, the contract-managed toggle that
stays (genesys-cloud learns that it is contract-managed only from the failed write), a toggle
switched off out of band twice, and a role changed instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from orgaccess.demo_genesys import ADMINS, DECLARATIONS
from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine import Stack
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.genesys.client import GenesysClient
from orgaccess.platform.models import RoleUpdate
from tests.e2e.e2e_support import diff_of, drift_records, drift_warnings, fixed_notes, plain_preview, shown_under
from tests.e2e.genesys_support import genesys_stack

pytestmark = pytest.mark.e2e

FIXES = "; `pulumi up` fixes it"
ANALYTICS_OFF = "LicenseFeature analytics: enabled: live false -> declared true" + FIXES
# The Genesys dialect learns that org-partner-d's toggle is contract-managed only when `up` fails on it.
CONTRACT = "LicenseFeature analytics: enabled: live false -> declared true"
NO_PERMISSION = "Role Recording Analyst: permissions: live [] -> declared [recording:screenRecording:view]" + FIXES
FIRST_PREVIEW = {
    "org-partner-a": [
        "Role Recording Analyst: missing on the platform" + FIXES,
        "RoleBinding Premium App: roles: live [] -> declared [Recording Analyst]" + FIXES,
    ],
    "org-partner-b": [
        "Role Recording Analyst: permissions: live [analytics:conversationDetail:view] -> "
        "declared [recording:screenRecording:view]" + FIXES
    ],
    "org-partner-c": [ANALYTICS_OFF],
}


@pytest.fixture(scope="module")
def platform() -> Iterator[EmulatorHandle]:
    with running_emulator("genesys-403", dialect=Dialect.GENESYS_CLOUD) as handle:
        yield handle


@pytest.fixture(scope="module")
def stack(platform: EmulatorHandle, tmp_path_factory: pytest.TempPathFactory) -> Stack:
    admins = {org: (cred["clientId"], cred["clientSecret"]) for org, cred in ADMINS.items()}
    return genesys_stack(tmp_path_factory.mktemp("state"), platform.url, admins, DECLARATIONS)


@pytest.fixture(scope="module")
def admin(platform: EmulatorHandle) -> Iterator[GenesysClient]:
    """The operator's hands on every org, each with that org's admin client."""
    credentials = {org: (cred["clientId"], SecretStr(cred["clientSecret"])) for org, cred in ADMINS.items()}
    with GenesysClient(platform.url, credentials) as client:
        yield client


def test_the_first_preview_warns_of_each_drifted_field_under_its_org(stack: Stack) -> None:
    result = plain_preview(stack)
    for org, lines in FIRST_PREVIEW.items():
        assert shown_under(result, org) == lines
        assert drift_warnings(result)[org] == lines
    assert shown_under(result, "org-partner-d")[0].startswith(CONTRACT)
    assert sum(map(len, drift_warnings(result).values())) == len(drift_records(result))


def test_up_says_per_object_what_it_fixed(stack: Stack) -> None:
    said = fixed_notes(stack.up())
    assert "orgaccess: org-partner-c, LicenseFeature analytics: fixed enabled: live false -> declared true" in said
    assert not [line for line in said if "org-partner-d" in line]


def test_after_up_the_state_holds_no_drift(stack: Stack) -> None:
    resources = stack.export()["deployment"]["resources"]
    assert [r["urn"] for r in resources if "drift" in r.get("inputs", {}) or "drift" in r.get("outputs", {})] == []


def test_a_part_that_failed_stays_visible_in_every_preview(stack: Stack) -> None:
    for _ in range(2):
        result = plain_preview(stack)
        assert set(drift_warnings(result)) == {"org-partner-d"}
        assert shown_under(result, "org-partner-d")[0].startswith(CONTRACT)


def test_a_drift_that_comes_back_after_its_fix_shows_again(stack: Stack, admin: GenesysClient) -> None:
    for _ in range(2):
        admin.set_license_feature("org-partner-c", "analytics", False)
        result = plain_preview(stack)
        assert shown_under(result, "org-partner-c") == [ANALYTICS_OFF]
        assert drift_warnings(result)["org-partner-c"] == [ANALYTICS_OFF]
        assert "+ drift: [" in diff_of(stack.preview().check(), "org-partner-c")
        stack.up()


def test_a_changed_drift_shows_only_what_differs_now(stack: Stack, admin: GenesysClient) -> None:
    (role,) = admin.list_roles("org-partner-b", name="Recording Analyst")
    admin.update_role("org-partner-b", role.id, RoleUpdate(name=role.name, permissions=[], version=role.version))
    result = plain_preview(stack)
    assert shown_under(result, "org-partner-b") == [NO_PERMISSION]
    assert shown_under(result, "org-partner-c") == []
    assert set(drift_warnings(result)) == {"org-partner-b", "org-partner-d"}
    assert [(d.name, d.field) for d in drift_records(result) if d.org == "org-partner-b"] == [
        ("org-partner-b/Recording Analyst", "permissions")
    ]
    assert "analytics" not in diff_of(stack.preview().check(), "org-partner-b")
