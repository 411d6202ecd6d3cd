"""Fixtures for end-to-end tests: the real Pulumi engine, the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine.automation import Stack, project_stack
from orgaccess.platform.client import PlatformClient
from tests.e2e.e2e_support import ADMIN, APP


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    """One emulator on seed-403 for a whole module: the tests in it tell one story in order."""
    with running_emulator("seed-403", db=tmp_path_factory.mktemp("emulator") / "db.sqlite") as handle:
        yield handle


@pytest.fixture(scope="module")
def stack(platform: EmulatorHandle, tmp_path_factory: pytest.TempPathFactory) -> Stack:
    return project_stack(
        tmp_path_factory.mktemp("state"), api_url=platform.url, client_id=ADMIN[0], client_secret=ADMIN[1]
    )


@pytest.fixture(scope="module")
def admin(platform: EmulatorHandle) -> Iterator[PlatformClient]:
    """The operator's hands on the platform, for out-of-band changes."""
    with PlatformClient(platform.url, *ADMIN) as client:
        yield client


@pytest.fixture(scope="module")
def probe(platform: EmulatorHandle) -> Iterator[Callable[[str], int]]:
    """The app's own call that answered 403: its HTTP status in an org."""
    with PlatformClient(platform.url, *APP, max_attempts=1) as app:

        def status(org: str) -> int:
            try:
                app.list_screen_recordings(org)
            except Exception as exc:  # the typed error carries the status
                return int(getattr(exc, "status", 0))
            return 200

        yield status
