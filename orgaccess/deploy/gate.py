"""A check that runs once, in the background, and that callers wait for before they go on."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Gate:
    """Open once `check` has passed; each caller of `wait` gets its error when it failed."""

    def __init__(self, check: Callable[[], None]) -> None:
        self._check = check
        self._done = threading.Event()
        self._passed = False
        self._error: Exception | None = None

    def run(self) -> bool:
        """Runs the check; whether it passed."""
        try:
            self._check()
            self._passed = True
        except Exception as exc:
            self._error = exc
        finally:
            # Also when the check was interrupted (SystemExit): `wait` must not hang, nor pass.
            self._done.set()
        return self._passed

    def wait(self) -> None:
        """Returns once the check has passed; raises its error when it did not."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        if not self._passed:
            raise RuntimeError("the check was interrupted before it finished")
