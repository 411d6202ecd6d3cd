"""The data plane refuses exactly when one of C1-C5 applies, says nothing about which, and audits it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from orgaccess.emulator.harness import EmulatorHandle
from tests.emulator.emulator_api import FORBIDDEN, RECORDINGS, Caller, caller_for, healthy_scenario, last_reason


def app_in(emulator: EmulatorHandle, scope: str | None = None, **breakage: Any) -> Caller:
    emulator.load_scenario(healthy_scenario(**breakage))
    return caller_for(emulator, "app", "app-secret", scope)


def test_healthy_setup_reads_partner_recordings(emulator: EmulatorHandle) -> None:
    answer = app_in(emulator)("GET", RECORDINGS, org="org-partner")
    assert answer.status_code == 200
    assert answer.json()["total"] == 3
    assert last_reason(emulator) is None


def test_forbidden_body_is_generic_whatever_the_cause(emulator: EmulatorHandle) -> None:
    body = app_in(emulator, analytics=False)("GET", RECORDINGS, org="org-partner").json()
    assert {k: v for k, v in body.items() if k != "contextId"} == FORBIDDEN
    uuid.UUID(body["contextId"])


def test_c1_token_without_recording_view_scope_is_forbidden(emulator: EmulatorHandle) -> None:
    answer = app_in(emulator, scopes=("analytics:read",))("GET", RECORDINGS, org="org-partner")
    assert answer.status_code == 403
    assert last_reason(emulator) == "C1.scope.missing"


def test_c1_applies_to_a_token_that_asked_for_fewer_scopes(emulator: EmulatorHandle) -> None:
    caller = app_in(emulator, scope="analytics:read", scopes=("recording:view", "analytics:read"))
    assert caller("GET", RECORDINGS, org="org-partner").status_code == 403
    assert last_reason(emulator) == "C1.scope.missing"


def test_c2_primary_only_account_is_forbidden_in_a_linked_org(emulator: EmulatorHandle) -> None:
    answer = app_in(emulator, org_lock="PRIMARY_ONLY")("GET", RECORDINGS, org="org-partner")
    assert answer.status_code == 403
    assert last_reason(emulator) == "C2.org.locked"


def test_c2_primary_only_account_still_reads_its_home_org(emulator: EmulatorHandle) -> None:
    answer = app_in(emulator, org_lock="PRIMARY_ONLY")("GET", RECORDINGS, org="org-home")
    assert answer.status_code == 200


def test_c3_granted_role_without_recording_view_is_forbidden(emulator: EmulatorHandle) -> None:
    answer = app_in(emulator, partner_permissions=("analytics:read",))("GET", RECORDINGS, org="org-partner")
    assert answer.status_code == 403
    assert last_reason(emulator) == "C3.permission.missing"


def test_c3_role_that_exists_but_is_not_granted_is_forbidden(emulator: EmulatorHandle) -> None:
    answer = app_in(emulator, granted=False)("GET", RECORDINGS, org="org-partner")
    assert answer.status_code == 403
    assert last_reason(emulator) == "C3.permission.missing"


def test_c4_analytics_license_off_is_forbidden(emulator: EmulatorHandle) -> None:
    answer = app_in(emulator, analytics=False)("GET", RECORDINGS, org="org-partner")
    assert answer.status_code == 403
    assert last_reason(emulator) == "C4.license.disabled"


def test_c5_existing_but_unlinked_org_is_forbidden(emulator: EmulatorHandle) -> None:
    answer = app_in(emulator)("GET", RECORDINGS, org="org-stranger")
    assert answer.status_code == 403
    assert last_reason(emulator) == "C5.org.unaddressable"


def test_c5_unknown_org_answers_exactly_like_an_unlinked_one(emulator: EmulatorHandle) -> None:
    caller = app_in(emulator)
    unknown = caller("GET", RECORDINGS, org="org-does-not-exist")
    unlinked = caller("GET", RECORDINGS, org="org-stranger")
    assert unknown.status_code == unlinked.status_code == 403
    assert {k: v for k, v in unknown.json().items() if k != "contextId"} == FORBIDDEN
    assert last_reason(emulator) == "C5.org.unaddressable"


def test_c6_missing_org_header_silently_reads_the_home_org(emulator: EmulatorHandle) -> None:
    answer = app_in(emulator)("GET", RECORDINGS, org=None)
    assert answer.status_code == 200
    assert answer.json()["total"] == 2  # org-home's recordings, not the partner's three
    entry = emulator.audit()[-1]
    assert (entry.org, entry.reason) == ("org-home", "C6.header.missing")


def test_c6_an_organization_id_in_the_query_does_not_pick_the_org(emulator: EmulatorHandle) -> None:
    # The forum thread's suggestion: only the org header picks the org; a query parameter is C6 still.
    answer = app_in(emulator)("GET", RECORDINGS, org=None, params={"organizationId": "org-partner"})
    assert answer.json()["total"] == 2
    assert last_reason(emulator) == "C6.header.missing"


def test_several_causes_are_all_audited_in_order(emulator: EmulatorHandle) -> None:
    caller = app_in(emulator, scopes=(), org_lock="PRIMARY_ONLY", granted=False, analytics=False)
    assert caller("GET", RECORDINGS, org="org-partner").status_code == 403
    assert last_reason(emulator) == "C1.scope.missing,C2.org.locked,C3.permission.missing,C4.license.disabled"


@pytest.mark.parametrize(
    ("org", "reason"),
    [
        ("org-partner-a", "C2.org.locked,C3.permission.missing"),
        ("org-partner-b", "C2.org.locked,C3.permission.missing"),
        ("org-partner-c", "C2.org.locked,C4.license.disabled"),
        ("org-partner-d", "C2.org.locked,C4.license.disabled"),
    ],
)
def test_seed_403_refuses_premium_app_in_each_partner_for_its_documented_causes(
    emulator: EmulatorHandle, app: Caller, org: str, reason: str
) -> None:
    assert app("GET", RECORDINGS, org=org).status_code == 403
    assert last_reason(emulator) == reason


def test_seed_403_serves_premium_app_in_the_primary_org(app: Caller) -> None:
    answer = app("GET", RECORDINGS)
    assert answer.status_code == 200
    assert answer.json()["total"] > 0
