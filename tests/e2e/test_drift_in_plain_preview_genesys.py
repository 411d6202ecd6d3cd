"""Drift in a plain `pulumi preview` on genesys-cloud, on the real engine: the same as on the seed dialect.

One story on genesys-403, in order: the first preview, the `up`, the contract-managed toggle that
stays (genesys-cloud learns that it is contract-managed only from the failed write), a toggle
switched off out of band twice, and a role changed instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from orgaccess.demo.genesys import ADMINS
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import Stack
from orgaccess.platform.genesys.client import GenesysClient
from orgaccess.platform.models import RoleUpdate
from tests.e2e import e2e_support as seen
from tests.e2e.genesys_support import genesys_403, genesys_403_stack

pytestmark = pytest.mark.e2e

FIXES = "; `pulumi up` fixes it"
ANALYTICS_OFF = "LicenseFeature analytics: enabled: live false -> declared true" + FIXES
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


platform = pytest.fixture(scope="module", name="platform")(genesys_403)


@pytest.fixture(scope="module")
def stack(platform: EmulatorHandle, tmp_path_factory: pytest.TempPathFactory) -> Stack:
    return genesys_403_stack(tmp_path_factory.mktemp("state"), platform.url)


@pytest.fixture(scope="module")
def admin(platform: EmulatorHandle) -> Iterator[GenesysClient]:
    """The operator's hands on every org, each with that org's admin client."""
    credentials = {org: (cred["clientId"], SecretStr(cred["clientSecret"])) for org, cred in ADMINS.items()}
    with GenesysClient(platform.url, credentials) as client:
        yield client


def test_the_first_preview_warns_of_each_drifted_field_under_its_org(stack: Stack) -> None:
    result = seen.plain_preview(stack)
    for org, lines in FIRST_PREVIEW.items():
        assert seen.shown_under(result, org) == lines
        assert seen.drift_warnings(result)[org] == lines
    assert seen.shown_under(result, "org-partner-d") == [ANALYTICS_OFF]
    assert sum(map(len, seen.drift_warnings(result).values())) == len(seen.drift_records(result))


def test_up_says_per_object_what_it_fixed(stack: Stack) -> None:
    said = seen.fixed_notes(stack.up())
    assert "orgaccess: org-partner-c, LicenseFeature analytics: fixed enabled: live false -> declared true" in said
    assert not [line for line in said if "org-partner-d" in line]


def test_after_up_the_state_holds_no_drift(stack: Stack) -> None:
    assert seen.kept_drift(stack) == []


def test_a_part_that_failed_stays_visible_in_every_preview(stack: Stack) -> None:
    # Until an `up` has failed on it, genesys-cloud cannot tell that the toggle is contract-managed.
    assert seen.shown_in_previews(stack, "org-partner-d") == [({"org-partner-d"}, [ANALYTICS_OFF])] * 2


def test_a_drift_that_comes_back_after_its_fix_shows_again(stack: Stack, admin: GenesysClient) -> None:
    for _ in range(2):
        admin.set_license_feature("org-partner-c", "analytics", False)
        result = seen.plain_preview(stack)
        assert seen.shown_under(result, "org-partner-c") == [ANALYTICS_OFF]
        assert seen.drift_warnings(result)["org-partner-c"] == [ANALYTICS_OFF]
        assert "+ drift: [" in seen.diff_of(stack.preview().check(), "org-partner-c")
        stack.up()


def test_a_changed_drift_shows_only_what_differs_now(stack: Stack, admin: GenesysClient) -> None:
    (role,) = admin.list_roles("org-partner-b", name="Recording Analyst")
    admin.update_role("org-partner-b", role.id, RoleUpdate(name=role.name, permissions=[], version=role.version))
    result = seen.plain_preview(stack)
    assert seen.shown_under(result, "org-partner-b") == [NO_PERMISSION]
    assert seen.shown_under(result, "org-partner-c") == []
    assert set(seen.drift_warnings(result)) == {"org-partner-b", "org-partner-d"}
    assert [(d.name, d.field) for d in seen.drift_records(result) if d.org == "org-partner-b"] == [
        ("org-partner-b/Recording Analyst", "permissions")
    ]
    assert "analytics" not in seen.diff_of(stack.preview().check(), "org-partner-b")
