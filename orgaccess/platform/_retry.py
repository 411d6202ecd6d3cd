"""Retry timing and the one question retries hinge on: may a failed request have landed?"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

import httpx

# These fail before a byte of the request reaches the server, so even a POST may be repeated.
_NOT_SENT: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter; a server's Retry-After wins, capped."""

    base: float = 0.2
    cap: float = 10.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        # Full jitter spreads the retries of many threads instead of synchronising them.
        return random.uniform(0.0, min(self.cap, self.base * 2 ** (attempt - 1)))


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After in seconds; the HTTP-date form is not used by the platform and yields None."""
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def may_have_landed(exc: httpx.TransportError) -> bool:
    """Whether the server may have received and acted on the request before the failure."""
    return not isinstance(exc, _NOT_SENT)


def retryable_status(status: int) -> bool:
    """Statuses that a later identical request may well not get."""
    return status == 429 or status >= 500


class OrgHolds:
    """Retry-After holds every thread of a client, not only the one that was refused.

    The platform limits per (client, target org), so a 429 speaks for every call of this client
    to that org: until it has passed, none may be sent. The refused thread sleeps its own
    Retry-After; the others wait here for what is left of the latest hold on the org.
    """

    def __init__(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        # org -> (until, the thread that was told to wait, and sleeps it out itself)
        self._holds: dict[str, tuple[float, int | None]] = {}

    def hold(self, org: str, seconds: float, *, sleeping_it_out: bool = True) -> None:
        """Holds `org`; the calling thread is spared the wait only if it sleeps it out itself."""
        until = self._clock() + seconds
        owner = threading.get_ident() if sleeping_it_out else None
        with self._lock:
            held = self._holds.get(org)
            if held is None or until >= held[0]:
                self._holds[org] = (until, owner)

    def wait(self, org: str) -> None:
        waited_until: float | None = None
        # Again while the hold grew during the sleep: a later 429 extended it.
        while True:
            with self._lock:
                held = self._holds.get(org)
            if held is None or held[1] == threading.get_ident() or held[0] == waited_until:
                return
            remaining = held[0] - self._clock()
            if remaining <= 0:
                return
            self._sleep(remaining)
            waited_until = held[0]
