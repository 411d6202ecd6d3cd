"""Retry timing and the one question retries hinge on: may a failed request have landed?"""

from __future__ import annotations

import random
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
    """Exponential backoff with full jitter after a failure; a server's Retry-After, capped, after a 429."""

    base: float = 0.2
    cap: float = 10.0
    max_retry_after: float = 60.0

    def retry_after(self, seconds: float) -> float:
        """Seconds to wait when the server said Retry-After: `seconds`."""
        return min(max(seconds, 0.0), self.max_retry_after)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
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
