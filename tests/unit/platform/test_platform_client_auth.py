"""The client-credentials token: fetched lazily, once, cached, renewed after a 401."""

from __future__ import annotations

import base64
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from orgaccess.platform.client import PlatformClient
from orgaccess.platform.errors import Unauthorized
from tests.unit.platform.platform_fake import (
    CLIENT_ID,
    ORG,
    SECRET,
    TOKEN,
    Platform,
    drop,
    fail,
    ok,
    router,
    token_step,
)


def test_token_is_fetched_lazily() -> None:
    platform = Platform()
    platform.client()
    assert platform.requests == []


def test_token_request_uses_basic_auth_and_client_credentials() -> None:
    platform = Platform()
    platform.client().get_organization(ORG)
    (request,) = platform.token_requests
    expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert request.method == "POST"
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert request.content == b"grant_type=client_credentials"


def test_api_calls_carry_the_bearer_token() -> None:
    platform = Platform()
    platform.client().get_organization(ORG)
    assert platform.api_requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_token_is_fetched_once_across_threads() -> None:
    def slow_token(request: httpx.Request) -> httpx.Response:
        time.sleep(0.05)  # long enough for every thread to arrive while the first one fetches
        return token_step()(request)

    platform = Platform(token=slow_token)
    client = platform.client()
    start = threading.Barrier(16)

    def call(_: int) -> None:
        start.wait()
        client.get_organization(ORG)

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(call, range(16)))
    assert len(platform.token_requests) == 1
    assert len(platform.api_requests) == 16


def _logged_in(now: list[float]) -> tuple[Platform, PlatformClient]:
    """A platform whose tokens last an hour, and a client on the clock `now[0]` that has logged in."""
    platform = Platform(token=token_step(expires_in=3600))
    client = platform.client(clock=lambda: now[0])
    client.get_organization(ORG)
    return platform, client


def test_token_is_reused_until_near_expiry() -> None:
    now = [0.0]
    platform, client = _logged_in(now)
    now[0] = 3600 - 61
    client.get_organization(ORG)
    assert len(platform.token_requests) == 1
    now[0] = 3600 - 59
    client.get_organization(ORG)
    assert len(platform.token_requests) == 2


def test_a_token_handed_to_another_client_of_the_same_credentials_spares_it_a_login() -> None:
    platform = Platform(token=token_step(expires_in=3600))
    first = platform.client()
    first.get_organization(ORG)

    second = platform.client()
    second.take_tokens(first.handed_tokens())
    second.get_organization(ORG)

    assert len(platform.token_requests) == 1
    assert platform.api_requests[-1].headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_token_due_for_renewal_is_not_handed_over() -> None:
    now = [0.0]
    _, client = _logged_in(now)
    now[0] = 3600 - 59

    assert client.handed_tokens() == {}


def test_a_handed_token_shows_no_secret_in_its_text() -> None:
    platform = Platform()
    client = platform.client()
    client.get_organization(ORG)

    assert TOKEN not in repr(client.handed_tokens())


def test_401_renews_token_once() -> None:
    tokens = iter(["old-token", "new-token"])
    platform = Platform(
        api=router({("GET", "/api/v2/organizations/me"): [fail(401, "unauthorized"), ok({"id": ORG, "name": "A"})]}),
        token=lambda request: token_step(next(tokens))(request),
    )
    assert platform.client().get_organization(ORG).id == ORG
    assert len(platform.token_requests) == 2
    assert [r.headers["Authorization"] for r in platform.api_requests] == [
        "Bearer old-token",
        "Bearer new-token",
    ]
    assert platform.sleeps == []


def test_a_second_401_is_unauthorized() -> None:
    platform = Platform(api=router({("GET", "/api/v2/organizations/me"): [fail(401, "unauthorized")]}))
    with pytest.raises(Unauthorized):
        platform.client().get_organization(ORG)
    assert len(platform.token_requests) == 2
    assert len(platform.api_requests) == 2


def test_wrong_secret_is_unauthorized_naming_the_client() -> None:
    platform = Platform(token=ok({"error": "invalid_client"}, 401))
    with pytest.raises(Unauthorized, match=f"invalid client credentials for client '{CLIENT_ID}'"):
        platform.client().get_organization(ORG)
    assert platform.api_requests == []


def test_token_request_is_retried_on_a_dropped_connection() -> None:
    platform = Platform(token=router({("POST", "/oauth/token"): [drop(), token_step()]}))
    platform.client().get_organization(ORG)
    assert len(platform.token_requests) == 2
