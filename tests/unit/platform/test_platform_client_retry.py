"""Retries: backoff, Retry-After, and repeating only what is safe to repeat."""

from __future__ import annotations

import threading

import httpx
import pytest

from orgaccess.platform.errors import (
    Conflict,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
)
from orgaccess.platform.models import GrantType, OAuthClientSpec, RoleSpec, RoleUpdate
from tests.unit.platform.platform_fake import ACCOUNT, ORG, ROLE, Platform, body_of, drop, fail, ok, page, router

ME = ("GET", "/api/v2/organizations/me")
ORG_BODY = {"id": ORG, "name": "Partner A"}
ROLES = "/api/v2/security/roles"
CLIENTS = "/api/v2/oauth/clients"
ROLE_SPEC = RoleSpec(name=ROLE["name"], permissions=ROLE["permissions"])
CLIENT_SPEC = OAuthClientSpec(name=ACCOUNT["name"], authorizedGrantType=GrantType.CLIENT_CREDENTIALS)


def test_5xx_is_retried_with_backoff() -> None:
    platform = Platform(api=router({ME: [fail(503), fail(502), fail(500), ok(ORG_BODY)]}))
    assert platform.client().get_organization(ORG).id == ORG
    assert len(platform.api_requests) == 4
    # Full jitter: each wait is drawn from [0, 0.2 * 2 ** (attempt - 1)].
    assert len(platform.sleeps) == 3
    assert all(0 <= s <= 0.2 * 2**i for i, s in enumerate(platform.sleeps))


def test_5xx_gives_up_after_max_attempts() -> None:
    platform = Platform(api=router({ME: [fail(503)]}))
    with pytest.raises(ServerError):
        platform.client(max_attempts=3).get_organization(ORG)
    assert len(platform.api_requests) == 3


def test_429_waits_for_retry_after() -> None:
    platform = Platform(api=router({ME: [fail(429, headers={"Retry-After": "7"}), ok(ORG_BODY)]}))
    platform.client().get_organization(ORG)
    assert platform.sleeps == [7.0]


def test_retry_after_holds_every_thread_calling_that_org() -> None:
    # Retry-After is the platform's word for (client, org): a thread that did not receive the
    # 429 must not call that org before it has passed either. Other orgs are not held.
    other_org = "org-partner-b"
    platform = Platform(api=router({ME: [fail(429, headers={"Retry-After": "7"}), ok(ORG_BODY), ok(ORG_BODY)]}))
    client = platform.client()
    refused = threading.Thread(target=client.get_organization, args=(ORG,))
    refused.start()
    refused.join()
    platform.sleeps.clear()
    client.get_organization(other_org)
    assert platform.sleeps == []
    client.get_organization(ORG)
    assert len(platform.sleeps) == 1 and 6.0 < platform.sleeps[0] <= 7.0


def test_retry_after_holds_other_threads_even_when_the_refused_call_gives_up() -> None:
    platform = Platform(api=router({ME: [fail(429, headers={"Retry-After": "7"}), ok(ORG_BODY)]}))
    client = platform.client(rate_limit_patience=5)

    def refused_once() -> None:
        with pytest.raises(RateLimited):
            client.get_organization(ORG)

    refused = threading.Thread(target=refused_once)
    refused.start()
    refused.join()
    client.get_organization(ORG)
    assert len(platform.sleeps) == 1 and 6.0 < platform.sleeps[0] <= 7.0


def test_a_thread_whose_call_gave_up_on_a_429_waits_before_its_next_call_to_that_org() -> None:
    platform = Platform(api=router({ME: [fail(429, headers={"Retry-After": "7"}), ok(ORG_BODY)]}))
    client = platform.client(rate_limit_patience=5)
    with pytest.raises(RateLimited):
        client.get_organization(ORG)
    client.get_organization(ORG)
    assert len(platform.sleeps) == 1 and 6.0 < platform.sleeps[0] <= 7.0


def test_retry_after_is_capped() -> None:
    platform = Platform(api=router({ME: [fail(429, headers={"Retry-After": "3600"}), ok(ORG_BODY)]}))
    client = platform.client(max_retry_after=30)
    client.get_organization(ORG)
    assert client.max_retry_after == 30
    assert platform.sleeps == [30.0]


def test_a_429_costs_no_attempt() -> None:
    # Each attempt refused by the rate limit is one the platform did not even look at.
    refusals = [fail(429, headers={"Retry-After": "1"})] * 4
    platform = Platform(api=router({ME: [fail(503), *refusals, ok(ORG_BODY)]}))
    assert platform.client(max_attempts=2).get_organization(ORG).id == ORG


def test_failures_with_a_429_between_them_are_not_in_a_row() -> None:
    # A 429 is an answer: the platform is up, and the attempts before it do not add to those after.
    platform = Platform(api=router({ME: [fail(503), fail(429, headers={"Retry-After": "1"}), fail(503), ok(ORG_BODY)]}))
    assert platform.client(max_attempts=2).get_organization(ORG).id == ORG


def test_retry_after_zero_still_spends_patience() -> None:
    platform = Platform(api=router({ME: [fail(429, headers={"Retry-After": "0"})]}))
    with pytest.raises(RateLimited):
        platform.client(rate_limit_patience=1).get_organization(ORG)
    assert platform.sleeps == [0.0] * 5


def test_a_call_stops_waiting_out_429s_once_its_patience_is_spent() -> None:
    platform = Platform(api=router({ME: [fail(429, headers={"Retry-After": "2"})]}))
    with pytest.raises(RateLimited) as caught:
        platform.client(rate_limit_patience=7).get_organization(ORG)
    assert caught.value.retry_after == 2.0
    assert platform.sleeps == [2.0, 2.0, 2.0]


def test_a_429_without_retry_after_is_retried_with_backoff_as_an_attempt() -> None:
    platform = Platform(api=router({ME: [fail(429)]}))
    with pytest.raises(RateLimited):
        platform.client(max_attempts=3).get_organization(ORG)
    assert len(platform.api_requests) == 3


def test_timeouts_are_retried_then_raise_transport_error() -> None:
    platform = Platform(api=router({ME: [drop(httpx.ReadTimeout)]}))
    with pytest.raises(TransportError, match="ReadTimeout after 5 attempt"):
        platform.client().get_organization(ORG)
    assert len(platform.api_requests) == 5


def test_post_is_not_blindly_repeated_after_a_dropped_connection() -> None:
    platform = Platform(api=router({("POST", ROLES): [drop(), ok(ROLE, 201)], ("GET", ROLES): [ok(page([]))]}))
    assert platform.client().create_role(ORG, ROLE_SPEC).id == ROLE["id"]
    assert platform.sent() == [("POST", ROLES), ("GET", ROLES), ("POST", ROLES)]
    assert platform.api_requests[1].url.params["name"] == ROLE["name"]


def test_retried_create_role_returns_the_role_that_landed() -> None:
    platform = Platform(api=router({("POST", ROLES): [drop()], ("GET", ROLES): [ok(page([ROLE]))]}))
    assert platform.client().create_role(ORG, ROLE_SPEC).id == ROLE["id"]
    assert platform.sent() == [("POST", ROLES), ("GET", ROLES)]


def test_create_role_after_a_5xx_looks_up_before_repeating() -> None:
    platform = Platform(api=router({("POST", ROLES): [fail(502)], ("GET", ROLES): [ok(page([ROLE]))]}))
    assert platform.client().create_role(ORG, ROLE_SPEC).id == ROLE["id"]
    assert platform.sent() == [("POST", ROLES), ("GET", ROLES)]


def test_retried_create_role_resolves_a_409_as_landed() -> None:
    platform = Platform(
        api=router(
            {
                ("POST", ROLES): [drop(), fail(409, "conflict")],
                ("GET", ROLES): [ok(page([])), ok(page([ROLE]))],
            }
        )
    )
    assert platform.client().create_role(ORG, ROLE_SPEC).id == ROLE["id"]


def test_a_409_on_the_first_create_is_a_conflict() -> None:
    platform = Platform(api=router({("POST", ROLES): [fail(409, "conflict", "duplicate name")]}))
    with pytest.raises(Conflict, match="duplicate name"):
        platform.client().create_role(ORG, ROLE_SPEC)
    assert platform.sent() == [("POST", ROLES)]


def test_post_is_repeated_when_the_connection_was_never_made() -> None:
    platform = Platform(api=router({("POST", ROLES): [drop(httpx.ConnectError), ok(ROLE, 201)]}))
    platform.client().create_role(ORG, ROLE_SPEC)
    assert platform.sent() == [("POST", ROLES), ("POST", ROLES)]


def test_retried_create_client_rotates_the_lost_secret() -> None:
    client_path = f"{CLIENTS}/{ACCOUNT['id']}"
    platform = Platform(
        api=router(
            {
                ("POST", CLIENTS): [drop()],
                ("GET", CLIENTS): [ok(page([ACCOUNT]))],
                ("POST", f"{client_path}/secret"): [ok({"id": ACCOUNT["id"], "secret": "fresh"})],
                ("GET", client_path): [ok({**ACCOUNT, "version": 2})],
            }
        )
    )
    created = platform.client().create_client(ORG, CLIENT_SPEC)
    assert (created.id, created.secret, created.version) == (ACCOUNT["id"], "fresh", 2)
    assert [m for m, _ in platform.sent()].count("POST") == 2  # the create, then the rotation


def test_rotate_secret_is_repeated_and_returns_the_last_secret() -> None:
    path = f"{CLIENTS}/premium-app/secret"
    platform = Platform(api=router({("POST", path): [drop(), ok({"id": "premium-app", "secret": "second"})]}))
    assert platform.client().rotate_secret(ORG, "premium-app").secret == "second"
    assert len(platform.api_requests) == 2


def test_delete_answering_404_on_a_retry_has_succeeded() -> None:
    path = "/api/v2/security/subjects/premium-app/roles/role-1"
    platform = Platform(api=router({("DELETE", path): [drop(), fail(404, "not.found")]}))
    platform.client().revoke_role(ORG, "premium-app", "role-1")
    assert len(platform.api_requests) == 2


def test_delete_answering_404_at_first_is_not_found() -> None:
    platform = Platform(api=router({("DELETE", f"{ROLES}/role-1"): [fail(404, "not.found")]}))
    with pytest.raises(NotFound):
        platform.client().delete_role(ORG, "role-1")


def test_delete_answering_404_after_a_429_is_not_found() -> None:
    # A rate-limited attempt was never carried out, so the 404 is the truth.
    platform = Platform(api=router({("DELETE", f"{ROLES}/role-1"): [fail(429), fail(404, "not.found")]}))
    with pytest.raises(NotFound):
        platform.client().delete_role(ORG, "role-1")


def test_retried_update_returns_the_update_that_landed() -> None:
    role_path = f"{ROLES}/role-1"
    landed = {**ROLE, "permissions": ["recording:view", "analytics:read"], "version": 2}
    platform = Platform(api=router({("PUT", role_path): [drop()], ("GET", role_path): [ok(landed)]}))
    update = RoleUpdate(name=ROLE["name"], permissions=["analytics:read", "recording:view"], version=1)
    assert platform.client().update_role(ORG, "role-1", update).version == 2
    assert platform.sent() == [("PUT", role_path), ("GET", role_path)]


def test_retried_update_that_did_not_land_is_repeated() -> None:
    role_path = f"{ROLES}/role-1"
    updated = {**ROLE, "version": 2}
    platform = Platform(api=router({("PUT", role_path): [drop(), ok(updated)], ("GET", role_path): [ok(ROLE)]}))
    update = RoleUpdate(name=ROLE["name"], permissions=ROLE["permissions"], version=1)
    assert platform.client().update_role(ORG, "role-1", update).version == 2
    assert body_of(platform.api_requests[-1])["version"] == 1


def test_calls_counts_every_request_including_token_and_retries() -> None:
    platform = Platform(api=router({ME: [fail(503), ok(ORG_BODY)]}))
    client = platform.client()
    client.get_organization(ORG)
    assert client.calls == 3


def test_a_create_looks_up_a_possibly_landed_attempt_once_not_after_every_429() -> None:
    refusals = [fail(429, headers={"Retry-After": "1"})] * 3
    platform = Platform(
        api=router(
            {
                ("POST", ROLES): [fail(503), *refusals, ok(ROLE, 201)],
                ("GET", ROLES): [ok(page([]))],
            }
        )
    )
    platform.client().create_role(ORG, ROLE_SPEC)
    assert [r.method for r in platform.api_requests].count("GET") == 1
