"""The emulator additions the reliability checks rely on: a 429's Retry-After and each request's
arrival time in the audit, and answers lost after the work was carried out."""

from __future__ import annotations

import httpx
import pytest

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.models import ORG_HEADER

ORG = "org-primary"
ROLES = "/api/v2/security/roles"


def _headers(emulator: EmulatorHandle) -> dict[str, str]:
    return {"Authorization": f"Bearer {emulator.token('orgaccess-admin', 's3cret-admin')}", ORG_HEADER: ORG}


def test_a_429_is_audited_with_its_retry_after(emulator: EmulatorHandle) -> None:
    emulator.set_faults(rateLimitPerMinute=2)
    headers = _headers(emulator)
    with httpx.Client(base_url=emulator.url) as http:
        answers = [http.get("/api/v2/organizations/me", headers=headers) for _ in range(3)]
    assert answers[-1].status_code == 429
    refused = emulator.audit()[-1]
    assert (refused.status, refused.retryAfter) == (429, int(answers[-1].headers["Retry-After"]))


def test_every_request_is_audited_with_when_it_arrived(emulator: EmulatorHandle) -> None:
    emulator.set_faults(latencyMs=200)
    with httpx.Client(base_url=emulator.url) as http:
        http.get("/api/v2/organizations/me", headers=_headers(emulator))
    entry = emulator.audit()[-1]
    assert entry.received is not None and entry.received < entry.time


def test_a_lost_answer_is_a_cut_connection_after_the_write_landed(emulator: EmulatorHandle) -> None:
    headers = _headers(emulator)
    emulator.set_faults(lostAnswerRate=1.0)
    with httpx.Client(base_url=emulator.url) as http, pytest.raises(httpx.TransportError):
        http.post(ROLES, headers=headers, json={"name": "Landed", "permissions": ["recording:view"]})
    emulator.set_faults()
    with httpx.Client(base_url=emulator.url) as http:
        found = http.get(ROLES, params={"name": "Landed"}, headers=headers).json()["entities"]
    assert len(found) == 1
    posts = [(e.status, e.reason) for e in emulator.audit() if (e.method, e.path) == ("POST", ROLES)]
    assert posts == [(201, None), (0, "fault.lost_answer")]


def test_a_lost_429_is_followed_by_its_lost_answer_with_the_same_arrival_time(emulator: EmulatorHandle) -> None:
    headers = _headers(emulator)
    emulator.set_faults(rateLimitPerMinute=1)
    with httpx.Client(base_url=emulator.url) as http:
        http.get("/api/v2/organizations/me", headers=headers)
        emulator.set_faults(rateLimitPerMinute=1, lostAnswerRate=1.0)
        with pytest.raises(httpx.TransportError):
            http.get("/api/v2/organizations/me", headers=headers)
    refused, lost = emulator.audit()[-2:]
    assert (refused.status, lost.reason, lost.received) == (429, "fault.lost_answer", refused.received)
