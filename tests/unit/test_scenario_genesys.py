"""One scenario format, two dialects: how genesys-cloud loads a scenario written for the seed."""

from __future__ import annotations

import pytest

from orgaccess.emulator.api import Api
from orgaccess.emulator.scenario import ScenarioError, parse_scenario, read_scenario, state_rows
from orgaccess.emulator.store import StateRows


def seed_403_rows(dialect: Api) -> StateRows:
    return state_rows(parse_scenario(*read_scenario("seed-403")), dialect)


def test_on_genesys_cloud_a_client_keeps_only_the_grants_in_its_own_org() -> None:
    rows = seed_403_rows(Api.GENESYS_CLOUD)
    assert {(org, subject) for org, subject, _, _ in rows.grants} == {
        ("org-primary", "orgaccess-admin"),
        ("org-primary", "premium-app"),
    }


def test_on_genesys_cloud_permissions_are_stored_by_their_genesys_names() -> None:
    rows = seed_403_rows(Api.GENESYS_CLOUD)
    analysts = {org: perms for org, _, name, _, perms, _, _ in rows.roles if name == "Recording Analyst"}
    assert analysts == {
        "org-primary": "recording:screenRecording:view",
        "org-partner-b": "analytics:conversationDetail:view",
        "org-partner-c": "recording:screenRecording:view",
        "org-partner-d": "recording:screenRecording:view",
    }


def test_on_the_seed_dialect_cross_org_grants_stay() -> None:
    rows = seed_403_rows(Api.SEED)
    assert ("org-partner-b", "premium-app") in {(org, subject) for org, subject, _, _ in rows.grants}


def test_a_grant_or_recordings_in_a_division_the_org_does_not_have_are_named() -> None:
    org = {
        "id": "org-a",
        "name": "A",
        "divisions": ["Queue East"],
        "screenRecordingsDivision": "Queue West",
        "clients": [{"id": "app", "secret": "s", "name": "App"}],
        "grants": [{"subject": "app", "role": "employee", "division": "Queue North"}],
    }
    with pytest.raises(ScenarioError) as refused:
        parse_scenario("s.yaml", {"organizations": [org]})
    assert refused.value.problems == [
        "organizations[0].screenRecordingsDivision: unknown division 'Queue West'",
        "organizations[0].grants[0].division: unknown division 'Queue North'",
    ]
