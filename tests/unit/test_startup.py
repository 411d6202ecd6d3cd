"""Short-lived processes start without what they never run: each engine command starts a program
and a provider afresh, and each `orgaccess` command a process of its own."""

from __future__ import annotations

import subprocess
import sys

from orgaccess import collector
from orgaccess.engine.automation import PROJECT_DIR

# A provider process as the engine starts one: the provider module, then `configure` (engine_process)
# before its first platform client.
PROVIDER_START = """
import providers.provider
from orgaccess.deploy import startup
startup.engine_process()
import httpx
httpx.Client().close()
"""


def printed(code: str) -> str:
    """What a fresh interpreter prints running `code` in the checkout."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


def loaded(code: str, modules: tuple[str, ...]) -> list[str]:
    """Which of `modules` a fresh interpreter has imported after running `code` in the checkout."""
    return printed(f"{code}\nimport sys\nprint(' '.join(m for m in {modules!r} if sys.modules.get(m)))").split()


def test_a_provider_process_loads_neither_trio_nor_httpxs_command_line_client() -> None:
    assert loaded(PROVIDER_START, ("trio", "rich", "click")) == []


def test_the_command_loads_the_engine_and_the_emulator_server_only_for_the_commands_that_run_them() -> None:
    assert loaded("import orgaccess.cli.main", ("pulumi", "fastapi")) == []


def test_a_process_the_engine_starts_collects_seldom_since_it_keeps_what_it_makes() -> None:
    probe = "from orgaccess.deploy import startup\nstartup.engine_process()\nimport gc\nprint(gc.get_threshold()[0])"
    assert int(printed(probe)) == collector.SELDOM
