"""Per (client, target org) rate limiting: a token bucket refilled at `perMinute / 60` a second.

A bucket rather than a fixed window, so a client that honours `Retry-After` is served right after
it, and a test with a low limit waits about a second, not a minute.

Every limited answer, 429 or not, carries the bucket's state in the headers Genesys Cloud sends
(`inin-ratelimit-allowed`, `-count`, `-reset`), so a client can pace itself before it is refused.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_STATE_KEY = "ratelimit"


@dataclass(frozen=True)
class Verdict:
    """One request's fate and the bucket after it."""

    retry_after: int | None  # None: allowed; else seconds until one request is
    allowed: int  # requests a minute: the bucket's size and its refill
    count: int  # requests the bucket holds as spent, rounded up
    reset: int  # seconds until the bucket is full again

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"inin-ratelimit-allowed", str(self.allowed).encode()),
            (b"inin-ratelimit-count", str(self.count).encode()),
            (b"inin-ratelimit-reset", str(self.reset).encode()),
        ]


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self._per_minute = per_minute
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self._lock = threading.Lock()

    def configure(self, per_minute: int) -> None:
        with self._lock:
            if per_minute != self._per_minute:
                self._per_minute = per_minute
                self._buckets.clear()

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def acquire(self, key: tuple[str, str], now: float) -> Verdict:
        """Takes one request from the key's bucket, if it holds one."""
        size = float(self._per_minute)
        rate = size / 60.0
        with self._lock:
            tokens, last = self._buckets.get(key, (size, now))
            tokens = min(size, tokens + (now - last) * rate)
            retry_after = None
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                retry_after = max(1, math.ceil((1.0 - tokens) / rate))
            self._buckets[key] = (tokens, now)
        spent = size - tokens
        return Verdict(retry_after, self._per_minute, math.ceil(spent), math.ceil(spent / rate))


def note(scope: Scope, verdict: Verdict) -> None:
    """Leaves a request's verdict for `RateLimitHeaders` to put on its answer, whatever the answer."""
    scope.setdefault("state", {})[_STATE_KEY] = verdict


class RateLimitHeaders:
    """Adds the bucket's headers to every answer of a request that was rate-limited (see `note`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            verdict = scope.get("state", {}).get(_STATE_KEY)
            if message["type"] == "http.response.start" and verdict is not None:
                message = {**message, "headers": [*message.get("headers", ()), *verdict.headers()]}
            await send(message)

        await self.app(scope, receive, with_headers)
