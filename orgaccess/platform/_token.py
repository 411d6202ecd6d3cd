"""The cached client-credentials token, shared by every thread of one client."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from orgaccess.platform.models import TokenResponse

REFRESH_MARGIN = 60.0


@dataclass(frozen=True)
class _Held:
    token: str
    renew_at: float


@dataclass(frozen=True)
class HandedToken:
    """A token one process hands another of the same run (a report's share of the orgs), with the
    seconds it stays worth using, so that the other need not log in again."""

    token: str = field(repr=False)
    seconds: float


class TokenCache:
    """Fetches lazily, renews shortly before expiry, and lets one thread fetch while others wait."""

    def __init__(self, fetch: Callable[[], TokenResponse], clock: Callable[[], float]) -> None:
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._held: _Held | None = None

    def get(self) -> str:
        """A token valid for at least the refresh margin (or half its lifetime, if shorter)."""
        held = self._held
        if held is not None and self._clock() < held.renew_at:
            return held.token
        with self._lock:
            held = self._held
            if held is None or self._clock() >= held.renew_at:
                answer = self._fetch()
                lifetime = max(answer.expires_in - REFRESH_MARGIN, answer.expires_in / 2)
                held = _Held(answer.access_token, self._clock() + lifetime)
                self._held = held
            return held.token

    def handed(self) -> HandedToken | None:
        """The token held, if still worth using, as another process can take it."""
        held = self._held
        if held is None:
            return None
        left = held.renew_at - self._clock()
        return HandedToken(held.token, left) if left > 0 else None

    def take(self, handed: HandedToken) -> None:
        """Holds a token another process handed over, for as long as it said."""
        with self._lock:
            self._held = _Held(handed.token, self._clock() + handed.seconds)

    def invalidate(self, token: str) -> None:
        """Forget `token` after a 401, unless another thread already replaced it."""
        with self._lock:
            if self._held is not None and self._held.token == token:
                self._held = None
