"""Divisions on the genesys-cloud emulator: a grant is a (role, division) pair, and the app's call
counts only the recordings of the divisions its roles reach. Driven by the official SDK."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PureCloudPlatformClientV2 import (
    ApiClient,
    AuthorizationApi,
    OAuthApi,
    RecordingApi,
    RoleDivisionGrants,
    RoleDivisionPair,
)
from PureCloudPlatformClientV2.rest import ApiException

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.emulator.scenario import read_scenario
from tests.genesys.sdk_shape import assert_parsed, error_body

CLIENT = "PC_OAUTH_CLIENT"
APP = ("premium-app-a", "s3cret-app-a")


def partner_a_with_a_queue_division(**changes: Any) -> dict[str, Any]:
    """genesys-403, with org-partner-a's three recordings in division 'Queue East' and its app's
    Recording Analyst granted in the home division only."""
    scenario = read_scenario("genesys-403")[1]
    org = next(o for o in scenario["organizations"] if o["id"] == "org-partner-a")
    org["divisions"] = ["Queue East"]
    org["screenRecordingsDivision"] = "Queue East"
    org["roles"] = [{"name": "Recording Analyst", "permissions": ["recording:view"]}]
    org["grants"].append({"subject": "premium-app-a", "role": "Recording Analyst", **changes})
    return scenario


@pytest.fixture
def divided(emulator: EmulatorHandle) -> EmulatorHandle:
    emulator.load_scenario(partner_a_with_a_queue_division())
    return emulator


def ids(api: AuthorizationApi) -> dict[str, str]:
    return {d.name: d.id for d in api.get_authorization_divisions().entities}


def pair(role: str, division: str) -> RoleDivisionGrants:
    made = RoleDivisionPair()
    made.role_id, made.division_id = role, division
    body = RoleDivisionGrants()
    body.grants = [made]
    return body


def analyst(api: AuthorizationApi) -> str:
    return str(api.get_authorization_roles(name="Recording Analyst").entities[0].id)


def sessions(login: Callable[[str, str], ApiClient]) -> int:
    return int(RecordingApi(login(*APP)).get_recordings_screensessions_details().count)


def test_divisions_list_the_home_one_first_then_the_others(divided: EmulatorHandle, admin_a: ApiClient) -> None:
    listing = assert_parsed(admin_a, AuthorizationApi(admin_a).get_authorization_divisions())
    assert [(d.name, d.home_division) for d in listing.entities] == [("Home", True), ("Queue East", False)]
    one = AuthorizationApi(admin_a).get_authorization_division(listing.entities[1].id)
    assert assert_parsed(admin_a, one).name == "Queue East"


def test_object_counts_say_which_divisions_hold_the_queues_of_recorded_conversations(
    divided: EmulatorHandle, admin_a: ApiClient
) -> None:
    listing = assert_parsed(admin_a, AuthorizationApi(admin_a).get_authorization_divisions(object_count=True))
    assert {d.name: d.object_counts for d in listing.entities} == {"Home": {"QUEUE": 0}, "Queue East": {"QUEUE": 1}}


def test_a_role_granted_in_home_only_does_not_see_another_divisions_recordings(
    divided: EmulatorHandle, login: Callable[[str, str], ApiClient]
) -> None:
    assert sessions(login) == 0
    assert divided.audit()[-1].reason == "C7.division.unreached"


def test_a_grant_in_the_recordings_division_sees_them(
    divided: EmulatorHandle, admin_a: ApiClient, login: Callable[[str, str], ApiClient]
) -> None:
    api = AuthorizationApi(admin_a)
    api.post_authorization_subject_division_role(APP[0], ids(api)["Queue East"], analyst(api), subject_type=CLIENT)
    assert sessions(login) == 3
    assert divided.audit()[-1].reason is None


def test_a_grant_in_every_division_sees_them_and_reads_back_as_star(
    divided: EmulatorHandle, admin_a: ApiClient, login: Callable[[str, str], ApiClient]
) -> None:
    api = AuthorizationApi(admin_a)
    api.post_authorization_subject_bulkadd(APP[0], pair(analyst(api), "*"), subject_type=CLIENT)
    assert sessions(login) == 3
    grants = assert_parsed(admin_a, api.get_authorization_subject(APP[0])).grants
    assert sorted(g.division.id for g in grants) == sorted(["*", ids(api)["Home"]])


def test_grants_are_pairs_removed_one_division_at_a_time(divided: EmulatorHandle, admin_a: ApiClient) -> None:
    api = AuthorizationApi(admin_a)
    role = analyst(api)
    api.post_authorization_subject_bulkadd(APP[0], pair(role, ids(api)["Queue East"]), subject_type=CLIENT)
    api.post_authorization_subject_bulkremove(APP[0], pair(role, ids(api)["Home"]))
    assert [g.division.name for g in api.get_authorization_subject(APP[0]).grants] == ["Queue East"]


def test_a_grant_in_an_unknown_division_is_404_naming_it(divided: EmulatorHandle, admin_a: ApiClient) -> None:
    api = AuthorizationApi(admin_a)
    with pytest.raises(ApiException) as missing:
        api.post_authorization_subject_bulkadd(APP[0], pair(analyst(api), "no-such-division"), subject_type=CLIENT)
    assert missing.value.status == 404
    assert "body.grants[0].divisionId: division 'no-such-division'" in error_body(admin_a, missing.value.body).message


def test_a_clients_role_divisions_name_each_grants_division(divided: EmulatorHandle, admin_a: ApiClient) -> None:
    client = assert_parsed(admin_a, OAuthApi(admin_a).get_oauth_client(APP[0]))
    assert [d.division_id for d in client.role_divisions] == [ids(AuthorizationApi(admin_a))["Home"]]
