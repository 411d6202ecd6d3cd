"""The start-up of the processes the engine runs for every deployment: the program and a provider.

Each `pulumi preview`, `up`, `refresh` or `destroy` starts them afresh (a fleet, once per stack),
so whatever they import is paid again on every run.
"""

from __future__ import annotations

import sys

from orgaccess import collector


def engine_process() -> None:
    """Called first in the program and in a provider, before any platform client is made."""
    # httpcore imports trio whenever it is installed (selenium, a test dependency, brings it), for
    # async clients these processes never make: 0.2 s and an `ldconfig -p` subprocess each time.
    # Marked absent, httpcore serves sync clients as when trio is not installed.
    sys.modules.setdefault("trio", None)  # type: ignore[arg-type]  # None: the documented "absent"
    # The program keeps every resource it registers, and a provider its snapshot, until they end.
    collector.seldom()
