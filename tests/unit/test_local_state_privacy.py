"""What orgaccess keeps on disk is its owner's alone, and the demo's passphrase stays the demo's."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from orgaccess.emulator.store import Store
from orgaccess.engine.automation import PROJECT_DIR, Stack, project_copy


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_makefile_exports_no_passphrase_to_its_targets() -> None:
    # A real stack run through `make` without a passphrase must meet Pulumi's own prompt or error.
    env = {k: v for k, v in os.environ.items() if k != "PULUMI_CONFIG_PASSPHRASE"}
    probe = 'probe: ; @echo "passphrase=[$${PULUMI_CONFIG_PASSPHRASE-}]"'
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "-C", str(PROJECT_DIR), "--eval", probe, "probe"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "passphrase=[]"


def test_a_project_copy_and_the_directories_made_for_it_are_private(tmp_path: Path) -> None:
    copy = project_copy(tmp_path / "state" / "project")
    assert (mode(tmp_path / "state"), mode(copy)) == (0o700, 0o700)


@pytest.mark.e2e
def test_a_stack_backend_directory_is_private(tmp_path: Path) -> None:
    Stack(project_copy(tmp_path / "project"), tmp_path / "backend").init()
    assert mode(tmp_path / "backend") == 0o700


def test_the_emulator_database_is_private(tmp_path: Path) -> None:
    Store(str(tmp_path / "emulator.db")).close()
    assert mode(tmp_path / "emulator.db") == 0o600
