"""Which of a grant's divisions is the org's home one: Genesys flags it in the division it answers with
(`homeDivision`), so reading grants asks nothing more; only an answer without the flag is compared with
the home division, asked for once (`GET /api/v2/authorization/divisions/home`)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from orgaccess.platform.genesys.client import GenesysOrgClient

HOME = "d-home"
HOME_PATH = "/api/v2/authorization/divisions/home"


def _grant(division: dict[str, Any]) -> dict[str, Any]:
    return {"subjectId": "app", "division": division, "role": {"id": "r-1", "name": "Recording Analyst"}}


def _reading(division: dict[str, Any]) -> tuple[GenesysOrgClient, list[str]]:
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "unit-test-token-7c1", "expires_in": 3600})
        if request.url.path == HOME_PATH:
            return httpx.Response(200, json={"id": HOME, "name": "Home"})
        body = {"id": "app", "grants": [_grant(division)]}
        return httpx.Response(200, content=json.dumps(body), headers={"content-type": "application/json"})

    client = GenesysOrgClient(
        "http://genesys.test", "org-a", "admin", "unit-test-secret-9f2", transport=httpx.MockTransport(answer)
    )
    return client, asked


@pytest.mark.parametrize("home", [True, False])
def test_a_flagged_division_is_taken_at_its_word_without_another_call(home: bool) -> None:
    client, asked = _reading({"id": "d-1", "name": "Sales", "homeDivision": home})

    (grant,) = client.list_subject_grants("org-a", "app")

    assert grant.division.home is home
    assert HOME_PATH not in asked


def test_a_division_without_the_flag_is_compared_with_the_home_division_asked_for_once() -> None:
    client, asked = _reading({"id": HOME, "name": "Home"})

    for _ in range(2):
        (grant,) = client.list_subject_grants("org-a", "app")
        assert grant.division.home is True

    assert asked.count(HOME_PATH) == 1
