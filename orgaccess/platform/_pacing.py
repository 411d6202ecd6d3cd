"""When a call to an org may be sent: after the org's Retry-After, and not in a crowd after a 429.

The platform limits per (client, target org), so a 429 speaks for every thread of a client
calling that org. Two rules follow:

- Hold: until the Retry-After has passed, no call to the org is sent. The refused thread sleeps
  its own Retry-After; the others wait here for what is left of the latest hold on the org.
- Pace: when a hold ends, the waiting threads must not all go at once. The platform refills its
  bucket gradually, so a crowd would get one answer and a 429 for everybody else, each 429 another
  hold and another crowd. After a 429 only one call to the org is in flight; every answer lets one
  more in (additive increase), until the org is as free as any other.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable


class OrgPacing:
    def __init__(self, clock: Callable[[], float], sleep: Callable[[float], None], ceiling: int) -> None:
        """`ceiling`: concurrency at which an org is no longer paced (the connection pool's size)."""
        self._clock = clock
        self._sleep = sleep
        self._ceiling = ceiling
        self._cond = threading.Condition()
        # org -> (until, the thread that was told to wait and sleeps it out itself, or None)
        self._holds: dict[str, tuple[float, int | None]] = {}
        # org -> calls allowed in flight; only orgs recovering from a 429 are here.
        self._limits: dict[str, int] = {}
        self._in_flight: Counter[str] = Counter()

    def enter(self, org: str) -> None:
        """Blocks until a call to `org` may be sent, and counts it in flight until `leave`."""
        me = threading.get_ident()
        waited_until: float | None = None
        with self._cond:
            while True:
                held = self._holds.get(org)
                # Again while the hold grew during the sleep: a later 429 extended it.
                if held is not None and held[1] != me and held[0] != waited_until:
                    remaining = held[0] - self._clock()
                    if remaining > 0:
                        self._cond.release()
                        try:
                            self._sleep(remaining)
                        finally:
                            self._cond.acquire()
                        waited_until = held[0]
                        continue
                limit = self._limits.get(org)
                if limit is None or self._in_flight[org] < limit:
                    self._in_flight[org] += 1
                    return
                self._cond.wait()

    def leave(self, org: str, *, answered: bool, refused_for: float | None = None) -> None:
        """Ends a call entered with `enter`.

        `answered`: the platform answered (a dropped connection says nothing about its limits).
        `refused_for`: the call got a 429; the org is held that long, by this thread.
        """
        with self._cond:
            self._in_flight[org] -= 1
            if refused_for is not None:
                until = self._clock() + refused_for
                held = self._holds.get(org)
                if held is None or until >= held[0]:
                    self._holds[org] = (until, threading.get_ident())
                self._limits[org] = 1
            elif answered and org in self._limits:
                self._limits[org] += 1
                if self._limits[org] >= self._ceiling:
                    del self._limits[org]
            self._cond.notify_all()

    def disown(self, org: str) -> None:
        """This thread will not sleep out the hold it set on `org`: its next call waits like any other."""
        with self._cond:
            held = self._holds.get(org)
            if held is not None and held[1] == threading.get_ident():
                self._holds[org] = (held[0], None)
