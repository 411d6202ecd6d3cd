"""Fixtures shared by every test suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orgaccess.emulator.harness import EmulatorHandle, running_emulator


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[EmulatorHandle]:
    """A real emulator subprocess on 127.0.0.1 serving seed-403 from a fresh database."""
    with running_emulator("seed-403", db=tmp_path / "emulator.db") as handle:
        yield handle
