"""Per (client, target org) rate limiting: a token bucket refilled at `perMinute / 60` a second.

A bucket rather than a fixed window, so a client that honours `Retry-After` is served right after
it, and a test with a low limit waits about a second, not a minute.
"""

from __future__ import annotations

import math
import threading


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

    def acquire(self, key: tuple[str, str], now: float) -> int | None:
        """Takes one request from the key's bucket; None if allowed, else seconds to wait."""
        rate = self._per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self._per_minute), now))
            tokens = min(float(self._per_minute), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / rate))
