"""The engine's program and provider processes start without what they never run."""

from __future__ import annotations

import subprocess
import sys

from orgaccess.engine import PROJECT_DIR

# A provider process as the engine starts one: the provider module, then `configure` (engine_process)
# before its first platform client.
PROVIDER_START = """
import sys
import providers.provider
from orgaccess import startup
startup.engine_process()
import httpx
httpx.Client().close()
print(" ".join(sorted(name for name in ("trio", "rich", "click") if sys.modules.get(name))))
"""


def test_a_provider_process_loads_neither_trio_nor_httpxs_command_line_client() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROVIDER_START], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60, check=True
    )

    assert done.stdout.strip() == ""
