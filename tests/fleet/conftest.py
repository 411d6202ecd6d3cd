"""The fixtures of a genesys-cloud fleet module: the module names its fleet (`FLEET`) and its split
(`STACKS`); each module gets its own emulator, work directory, admin credentials file and runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.fleet_platform import Login, fleet_login, serving
from orgaccess.emulator.harness import EmulatorHandle
from tests.fleet.fleet_support import FleetCli, declarations_file


@pytest.fixture(scope="module")
def platform(request: pytest.FixtureRequest) -> Iterator[EmulatorHandle]:
    with serving(request.module.FLEET, latency_ms=0) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def work(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture(scope="module")
def login(request: pytest.FixtureRequest, work: Path) -> Login:
    return fleet_login(request.module.FLEET, work)


@pytest.fixture(scope="module")
def runner(request: pytest.FixtureRequest, platform: EmulatorHandle, work: Path) -> FleetCli:
    fleet, stacks = request.module.FLEET, request.module.STACKS
    (work / "backend").mkdir()
    return FleetCli(f"file://{work / 'backend'}", platform.url, declarations_file(work, fleet), work / "runs", stacks)
