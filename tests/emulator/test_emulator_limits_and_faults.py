"""Rate limits, injected faults and propagation delay, as a client meets them over the wire."""

from __future__ import annotations

import time

import httpx
import pytest

from orgaccess.emulator.harness import EmulatorHandle
from tests.emulator.emulator_api import HOME, RECORDINGS, ROLES, Caller, caller_for, healthy_scenario, last_reason

ME = "/api/v2/organizations/me"


def exhaust(caller: Caller, limit: int, org: str = HOME) -> httpx.Response:
    """Calls until refused: the first `limit` pass, then the bucket's slow refill (one a second at
    60 a minute) lets only a few more through, however slow the machine, before the first 429."""
    for _ in range(limit):
        assert caller("GET", ME, org=org).status_code == 200
    for _ in range(limit):
        answer = caller("GET", ME, org=org)
        if answer.status_code == 429:
            return answer
    raise AssertionError("no 429 past the limit")


def test_past_the_rate_limit_is_429_with_retry_after(emulator: EmulatorHandle, admin: Caller) -> None:
    emulator.set_faults(rateLimitPerMinute=60)
    answer = exhaust(admin, 60)
    assert (answer.status_code, answer.json()["code"]) == (429, "too.many.requests.retry.after")
    assert int(answer.headers["Retry-After"]) >= 1
    assert last_reason(emulator) == "rate.limited"


def test_request_after_waiting_retry_after_succeeds(emulator: EmulatorHandle, admin: Caller) -> None:
    emulator.set_faults(rateLimitPerMinute=60)
    refused = exhaust(admin, 60)
    time.sleep(int(refused.headers["Retry-After"]))
    assert admin("GET", ME).status_code == 200


def test_rate_limit_is_per_target_org(emulator: EmulatorHandle, admin: Caller) -> None:
    emulator.set_faults(rateLimitPerMinute=60)
    exhaust(admin, 60)
    assert admin("GET", ME, org="org-partner-a").status_code == 200


def test_every_limited_answer_says_the_limit_and_what_is_spent(emulator: EmulatorHandle, admin: Caller) -> None:
    emulator.set_faults(rateLimitPerMinute=60)
    admin("GET", ME)
    answer = admin("GET", ME)
    assert answer.headers["inin-ratelimit-allowed"] == "60"
    assert answer.headers["inin-ratelimit-count"] == "2"
    assert 1 <= int(answer.headers["inin-ratelimit-reset"]) <= 2


def test_a_silent_limit_sends_no_bucket_headers(emulator: EmulatorHandle, admin: Caller) -> None:
    emulator.set_faults(rateLimitPerMinute=60, rateLimitHeaders=False)
    answer = admin("GET", ME)
    assert not any(name.startswith("inin-ratelimit") for name in answer.headers)


def test_a_429_says_the_bucket_is_spent(emulator: EmulatorHandle, admin: Caller) -> None:
    emulator.set_faults(rateLimitPerMinute=60)
    answer = exhaust(admin, 60)
    assert answer.headers["inin-ratelimit-count"] == "60"
    assert int(answer.headers["inin-ratelimit-reset"]) >= 59


def test_error_rate_one_answers_every_call_with_a_5xx(emulator: EmulatorHandle, admin: Caller) -> None:
    emulator.set_faults(errorRate=1.0)
    answer = admin("GET", ROLES)
    assert answer.status_code == 503
    assert answer.json()["code"] == "service.unavailable"
    assert last_reason(emulator) == "fault.error"


def test_drop_rate_one_cuts_every_connection(emulator: EmulatorHandle, admin: Caller) -> None:
    emulator.set_faults(dropRate=1.0)
    with pytest.raises(httpx.TransportError):
        admin("GET", ROLES)
    assert emulator.audit()[-1].reason == "fault.drop"


def test_faults_spare_the_control_plane(emulator: EmulatorHandle) -> None:
    emulator.set_faults(errorRate=1.0, dropRate=1.0)
    assert emulator.audit_count() >= 0
    assert emulator.set_faults().errorRate == 0.0


def test_latency_delays_each_answer(emulator: EmulatorHandle, admin: Caller) -> None:
    emulator.set_faults(latencyMs=300)
    started = time.monotonic()
    assert admin("GET", ME).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_grant_reaches_the_data_plane_only_after_the_propagation_delay(emulator: EmulatorHandle) -> None:
    emulator.load_scenario(healthy_scenario(granted=False))
    emulator.set_faults(propagationDelayMs=60_000)
    admin = caller_for(emulator, "admin", "admin-secret")
    app = caller_for(emulator, "app", "app-secret")
    viewer = admin("GET", ROLES, org="org-partner", params={"name": "Viewer"}).json()["entities"][0]["id"]
    assert admin("PUT", f"/api/v2/security/subjects/app/roles/{viewer}", org="org-partner").status_code == 204
    granted = admin("GET", "/api/v2/security/subjects/app/roles", org="org-partner").json()
    assert granted["total"] == 1  # management reads see it at once
    assert app("GET", RECORDINGS, org="org-partner").status_code == 403
    assert last_reason(emulator) == "C3.permission.missing"
    emulator.set_clock_offset(61)
    assert app("GET", RECORDINGS, org="org-partner").status_code == 200


def test_license_change_reaches_the_data_plane_only_after_the_propagation_delay(emulator: EmulatorHandle) -> None:
    emulator.load_scenario(healthy_scenario(analytics=False))
    emulator.set_faults(propagationDelayMs=60_000)
    admin = caller_for(emulator, "admin", "admin-secret")
    app = caller_for(emulator, "app", "app-secret")
    admin("PUT", "/api/v2/license/features/analytics", org="org-partner", json={"enabled": True})
    assert app("GET", RECORDINGS, org="org-partner").status_code == 403
    assert last_reason(emulator) == "C4.license.disabled"
    emulator.set_clock_offset(61)
    assert app("GET", RECORDINGS, org="org-partner").status_code == 200


def test_revocation_is_delayed_too(emulator: EmulatorHandle) -> None:
    emulator.load_scenario(healthy_scenario())
    emulator.set_faults(propagationDelayMs=60_000)
    admin = caller_for(emulator, "admin", "admin-secret")
    app = caller_for(emulator, "app", "app-secret")
    viewer = admin("GET", ROLES, org="org-partner", params={"name": "Viewer"}).json()["entities"][0]["id"]
    admin("DELETE", f"/api/v2/security/subjects/app/roles/{viewer}", org="org-partner")
    assert app("GET", RECORDINGS, org="org-partner").status_code == 200
    emulator.set_clock_offset(61)
    assert app("GET", RECORDINGS, org="org-partner").status_code == 403
