"""Fixtures of the in-process specifications of an org's resource: one emulator served from a thread
for the session, reset to seed-403 for each test, and the client and `Fleet` that a provider process
holds over it (orgaccess.deploy.session), with a clock that never really sleeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pydantic import SecretStr

from orgaccess.deploy.session import PROVIDER_ATTEMPTS
from orgaccess.dialects import connect
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.dialect import Client
from orgaccess.platform.settings import Settings
from orgaccess.reconciler.snapshot import Fleet
from tests.reconciler.support import ADMIN, FakeTime, serving_emulator


@pytest.fixture(scope="session")
def served() -> Iterator[EmulatorHandle]:
    with serving_emulator() as handle:
        yield handle


@pytest.fixture
def platform(served: EmulatorHandle) -> EmulatorHandle:
    """seed-403 afresh: no tokens, no faults, the audit read from `platform.audit(since)`."""
    served.reset()
    return served


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def client(platform: EmulatorHandle, fake_time: FakeTime) -> Iterator[Client]:
    """The reconciler's admin account, with as many attempts per call as a provider process allows."""
    settings = Settings(api_url=platform.url, client_id=ADMIN[0], client_secret=SecretStr(ADMIN[1]))
    made = connect(settings, max_attempts=PROVIDER_ATTEMPTS, sleep=fake_time.sleep, clock=fake_time.clock)
    yield made
    made.close()


@pytest.fixture
def next_run(client: Client) -> Callable[[], Fleet]:
    """The snapshot of a later run (the next preview or up): nothing of this run's reads kept."""
    return lambda: Fleet(client)


@pytest.fixture
def fleet(next_run: Callable[[], Fleet]) -> Fleet:
    """This run's snapshot of every org, as a provider process's `check`, `diff` and `update` share it."""
    return next_run()


@pytest.fixture
def by_hand(platform: EmulatorHandle) -> Iterator[PlatformClient]:
    """Someone with the admin account changing the platform outside orgaccess (out-of-band drift)."""
    made = PlatformClient(platform.url, *ADMIN)
    yield made
    made.close()
