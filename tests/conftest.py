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


# Heavier variants (`make stress`) are marked `stress` and skipped unless asked for.


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-stress", action="store_true", default=False, help="run the tests marked stress")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-stress"):
        return
    skip = pytest.mark.skip(reason="stress variant: run with `make stress` (--run-stress)")
    for item in items:
        if "stress" in item.keywords:
            item.add_marker(skip)
