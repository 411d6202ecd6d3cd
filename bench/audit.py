"""API calls per org, read from the emulator's audit log: the budget tests and the benchmark share.

before = emu.audit_count()
...                                   # a preview, a drift report
per_org = calls_per_org(emu.audit(since=before))
assert max(per_org.values()) <= 3 + len(service_accounts)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from orgaccess.platform.models import AuditEntry

RATE_LIMITED = 429
API_PREFIX = "/api/"


def calls_per_org(entries: Iterable[AuditEntry]) -> dict[str, int]:
    """API requests per target org; token requests (audited under the client's home org) are not counted."""
    return dict(Counter(entry.org for entry in entries if entry.org and entry.path.startswith(API_PREFIX)))


def unhonoured_429s(entries: list[AuditEntry]) -> int:
    """429s whose request came again, from the same client to the same org, before Retry-After ran out.

    Other requests of that client and org that arrive meanwhile are not counted: they were
    already in flight, or are other calls, which the platform limits but does not forbid.
    """
    early = 0
    for i, limited in enumerate(entries):
        if limited.status != RATE_LIMITED or limited.retryAfter is None:
            continue
        until = datetime.fromisoformat(limited.time) + timedelta(seconds=limited.retryAfter)
        same = (limited.client, limited.org, limited.method, limited.path)
        early += any(
            (later.client, later.org, later.method, later.path) == same
            and datetime.fromisoformat(later.received or later.time) < until
            for later in entries[i + 1 :]
        )
    return early


@dataclass(frozen=True)
class Window:
    """What the platform saw during one measured step."""

    calls: int
    token_calls: int
    # Mean over the orgs the step was about, not just the orgs it happened to call.
    calls_per_org: float
    max_calls_one_org: int
    rate_limited: int
    rate_limited_unhonoured: int

    @classmethod
    def of(cls, entries: list[AuditEntry], n_orgs: int) -> Window:
        per_org = calls_per_org(entries)
        return cls(
            calls=sum(per_org.values()),
            token_calls=sum(1 for entry in entries if entry.path == "/oauth/token"),
            calls_per_org=round(sum(per_org.values()) / n_orgs, 2),
            max_calls_one_org=max(per_org.values(), default=0),
            rate_limited=sum(1 for entry in entries if entry.status == RATE_LIMITED),
            rate_limited_unhonoured=unhonoured_429s(entries),
        )
