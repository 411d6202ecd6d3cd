"""The emulator's clock: wall time plus an offset tests can move forward (tokens expire, delays pass)."""

from __future__ import annotations

import time


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset
