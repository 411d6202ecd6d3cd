"""Drift in a plain `pulumi preview`, on the real engine: every drifted field, under its org, every time.

One story on seed-403, in order: the first preview, the `up` that fixes all but the contract-managed
license, a drift made out of band, the same drift again after it was fixed, and a different one.
Each step asserts on the text a person reads and on the engine events a machine reads.
"""

from __future__ import annotations

import pytest

from orgaccess.engine.automation import Stack
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.models import RoleUpdate
from tests.e2e.e2e_support import (
    diff_of,
    doc_snippet,
    drift_records,
    drift_warnings,
    fixed_notes,
    kept_drift,
    plain_preview,
    shown_in_previews,
    shown_under,
)

pytestmark = pytest.mark.e2e

CONTRACT = "LicenseFeature analytics: enabled: live false -> declared true (NOT FIXABLE: contract-managed, needs a contract change)"  # noqa: E501
ANALYTICS_OFF = "LicenseFeature analytics: enabled: live false -> declared true; `pulumi up` fixes it"
NO_PERMISSION = "Role Recording Analyst: permissions: live [] -> declared [recording:view]; `pulumi up` fixes it"


def test_the_first_preview_warns_of_each_drifted_field_under_its_org(stack: Stack) -> None:
    result = plain_preview(stack)
    assert shown_under(result, "org-partner-c") == [ANALYTICS_OFF]
    assert shown_under(result, "org-partner-d") == [CONTRACT]
    assert drift_warnings(result)["org-partner-c"] == [ANALYTICS_OFF]
    # One warning per record, and the records are the step's `drift` input.
    assert sum(map(len, drift_warnings(result).values())) == len(drift_records(result))
    # What the README and docs/drift.md show is what a person reads.
    shown = {line.strip() for line in result.stdout.splitlines()}
    for doc in ("README.md", "docs/drift.md"):
        assert [line for line in doc_snippet(doc, "seed-403 plain preview") if line not in shown] == []


def test_up_says_per_object_what_it_fixed(stack: Stack) -> None:
    result = stack.up()
    said = fixed_notes(result)
    assert sorted(said) == sorted(doc_snippet("docs/drift.md", "seed-403 up"))
    assert not [line for line in said if "org-partner-d" in line]
    shown = {line.strip() for line in result.stdout.splitlines()}
    assert set(said) <= shown


def test_after_up_the_state_holds_no_drift(stack: Stack) -> None:
    assert kept_drift(stack) == []


def test_a_part_that_failed_stays_visible_in_every_preview(stack: Stack) -> None:
    assert shown_in_previews(stack, "org-partner-d") == [({"org-partner-d"}, [CONTRACT])] * 2


def test_an_org_without_drift_shows_nothing(stack: Stack) -> None:
    result = plain_preview(stack)
    assert shown_under(result, "org-partner-a") == []
    assert "org-partner-a" not in drift_warnings(result)


def test_a_drift_made_out_of_band_shows_in_a_plain_preview(stack: Stack, admin: PlatformClient) -> None:
    admin.set_license_feature("org-partner-c", "analytics", False)
    result = plain_preview(stack)
    assert shown_under(result, "org-partner-c") == [ANALYTICS_OFF]
    assert [(d.org, d.kind, d.field, d.actual, d.declared) for d in drift_records(result) if d.fixable] == [
        ("org-partner-c", "LicenseFeature", "enabled", False, True)
    ]


def test_a_drift_that_comes_back_after_its_fix_shows_again(stack: Stack, admin: PlatformClient) -> None:
    stack.up()
    admin.set_license_feature("org-partner-c", "analytics", False)
    result = plain_preview(stack)
    assert shown_under(result, "org-partner-c") == [ANALYTICS_OFF]
    assert drift_warnings(result)["org-partner-c"] == [ANALYTICS_OFF]
    assert "org-partner-c" in {step.name for step in result.steps if step.changes}
    # `--diff` marks it as a change, not as a line already in the state.
    diff = diff_of(stack.preview().check(), "org-partner-c")
    assert "+ drift: [" in diff and '+ field   : "enabled"' in diff


def test_a_changed_drift_shows_only_what_differs_now(stack: Stack, admin: PlatformClient) -> None:
    stack.up()
    (role,) = admin.list_roles("org-partner-a", name="Recording Analyst")
    admin.update_role("org-partner-a", role.id, RoleUpdate(name=role.name, permissions=[], version=role.version))
    result = plain_preview(stack)
    assert shown_under(result, "org-partner-a") == [NO_PERMISSION]
    assert shown_under(result, "org-partner-c") == []
    assert set(drift_warnings(result)) == {"org-partner-a", "org-partner-d"}
    assert [(d.name, d.field) for d in drift_records(result) if d.org == "org-partner-a"] == [
        ("org-partner-a/Recording Analyst", "permissions")
    ]
    diff = diff_of(stack.preview().check(), "org-partner-a")
    assert '+ field   : "permissions"' in diff and "analytics" not in diff
