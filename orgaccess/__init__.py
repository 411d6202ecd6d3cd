"""orgaccess: declare cross-org access as code, detect drift, reconcile it with Pulumi."""

import sys

__version__ = "0.1.0"

# httpx imports its command-line client, and with it click and rich, whenever they are installed
# (typer brings them): 0.1 s in every process, the engine's program and provider included, for a
# client orgaccess never runs. Marked absent, httpx keeps its stub, as when they are not installed.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None: the documented "absent"
