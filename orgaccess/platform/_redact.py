"""Scrubs known secrets from text that ends up in errors (e.g. a server echoing a token)."""

from __future__ import annotations

import threading
from collections import deque

MASK = "***"


class Redactor:
    """Remembers the client secret for good and the most recent tokens and secrets seen."""

    def __init__(self, pinned: str, remember: int = 64) -> None:
        self._pinned = pinned
        self._recent: deque[str] = deque(maxlen=remember)
        self._lock = threading.Lock()

    def add(self, secret: str) -> None:
        """Remember a token or secret received from the platform."""
        with self._lock:
            self._recent.append(secret)

    def __call__(self, text: str) -> str:
        with self._lock:
            secrets = [self._pinned, *self._recent]
        for secret in secrets:
            if secret:
                text = text.replace(secret, MASK)
        return text
