"""The check that every 429's Retry-After was waited out judges only what the client was told."""

from __future__ import annotations

from orgaccess.platform.models import AuditEntry
from tests.reliability.support import unhonoured_rate_limits

ROLES = "/api/v2/security/roles"


def _entry(
    time: str, status: int, *, received: str, reason: str | None = None, retry_after: int | None = None
) -> AuditEntry:
    return AuditEntry(
        time=f"2026-11-25T10:00:{time}Z",
        client="orgaccess-admin",
        org="org-primary",
        method="GET",
        path=ROLES,
        status=status,
        reason=reason,
        retryAfter=retry_after,
        received=f"2026-11-25T10:00:{received}Z",
    )


REFUSED = _entry("00.100", 429, received="00.080", reason="rate.limited", retry_after=5)


def test_a_call_within_a_delivered_retry_after_is_unhonoured() -> None:
    assert len(unhonoured_rate_limits([REFUSED, _entry("02.020", 200, received="02.000")])) == 1


def test_a_call_after_the_retry_after_is_honoured() -> None:
    assert unhonoured_rate_limits([REFUSED, _entry("05.200", 200, received="05.150")]) == []


def test_a_call_already_in_flight_when_the_429_was_answered_is_honoured() -> None:
    assert unhonoured_rate_limits([REFUSED, _entry("00.220", 200, received="00.200")]) == []


def test_a_429_whose_answer_was_lost_binds_nobody() -> None:
    lost = _entry("00.101", 0, received="00.080", reason="fault.lost_answer")
    assert unhonoured_rate_limits([REFUSED, lost, _entry("02.020", 200, received="02.000")]) == []
