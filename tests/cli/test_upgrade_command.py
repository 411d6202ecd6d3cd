"""`orgaccess upgrade` on stacks with nothing to move or nothing to read: one line that says so, no traceback.

The upgrade itself, on the real engine: tests/e2e/test_upgrade_clients_into_orgs.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from orgaccess.engine.automation import Stack, project_copy


def _upgrade(stack: Stack, name: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "orgaccess", "upgrade", "--stack", name, "--cwd", str(stack.project_dir)]
    return subprocess.run(command, env=stack.env(), capture_output=True, text=True, timeout=120, check=False)


def _empty_stack(tmp_path: Path) -> Stack:
    return Stack(project_copy(tmp_path / "project"), tmp_path).init()


def test_a_stack_without_client_resources_has_nothing_to_upgrade(tmp_path: Path) -> None:
    stack = _empty_stack(tmp_path)

    done = _upgrade(stack, stack.name)

    assert done.returncode == 0, done.stderr
    assert f"stack '{stack.name}': nothing to upgrade" in done.stdout


def test_an_unknown_stack_exits_1_saying_the_engines_reason(tmp_path: Path) -> None:
    stack = _empty_stack(tmp_path)

    done = _upgrade(stack, "nope")

    assert done.returncode == 1
    assert "the stack cannot be read; nothing changed" in done.stderr
    assert "no stack named 'nope' found" in done.stderr
    assert "Traceback" not in done.stderr
