"""Transparent paging of list calls."""

from __future__ import annotations

import math

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.platform.platform_fake import ORG, RECORDING, ROLE, Platform, ok, page, router

ROLES = "/api/v2/security/roles"


def serve(items: list[dict[str, object]], server_cap: int) -> Platform:
    """A platform holding `items` that answers at most `server_cap` per page."""

    def handle(request: httpx.Request) -> httpx.Response:
        size = min(int(request.url.params["pageSize"]), server_cap)
        number = int(request.url.params["pageNumber"])
        chunk = items[(number - 1) * size : number * size]
        body = {
            "entities": chunk,
            "pageSize": size,
            "pageNumber": number,
            "total": len(items),
            "pageCount": max(1, math.ceil(len(items) / size)),
        }
        return httpx.Response(200, json=body)

    return Platform(api=handle)


def recordings(n: int) -> list[dict[str, object]]:
    return [{**RECORDING, "id": f"rec-{i}"} for i in range(n)]


def test_paging_follows_page_count() -> None:
    platform = serve(recordings(250), server_cap=100)
    found = platform.client().list_screen_recordings(ORG)
    assert [r.id for r in found] == [f"rec-{i}" for i in range(250)]
    assert [r.url.params["pageNumber"] for r in platform.api_requests] == ["1", "2", "3"]


def test_lists_ask_for_pages_of_100() -> None:
    platform = serve(recordings(1), server_cap=100)
    platform.client().list_screen_recordings(ORG)
    assert platform.api_requests[0].url.params["pageSize"] == "100"


def test_list_roles_asks_for_the_exact_name_on_every_page() -> None:
    second = {**ROLE, "id": "role-2"}
    platform = Platform(api=router({("GET", ROLES): [ok(page([ROLE], 1, 2)), ok(page([second], 2, 2))]}))
    found = platform.client().list_roles(ORG, name="Recording Analyst")
    assert [r.id for r in found] == ["role-1", "role-2"]
    assert {r.url.params["name"] for r in platform.api_requests} == {"Recording Analyst"}


def test_an_empty_page_ends_paging_even_if_page_count_says_more() -> None:
    platform = Platform(api=router({("GET", ROLES): [ok(page([], 1, 5))]}))
    assert platform.client().list_roles(ORG) == []
    assert len(platform.api_requests) == 1


@settings(max_examples=60, deadline=None)
@given(total=st.integers(min_value=0, max_value=450), server_cap=st.integers(min_value=1, max_value=100))
def test_paging_returns_every_entity_exactly_once(total: int, server_cap: int) -> None:
    items = recordings(total)
    found = serve(items, server_cap).client().list_screen_recordings(ORG)
    assert [r.id for r in found] == [item["id"] for item in items]
