"""Fixtures of the emulator suite: the two seed-403 accounts as ready callers."""

from __future__ import annotations

import pytest
from emulator_api import Caller

from orgaccess.emulator.harness import EmulatorHandle


@pytest.fixture
def admin(emulator: EmulatorHandle) -> Caller:
    """The reconciler's account: built-in admin in all five seed-403 orgs."""
    return Caller(emulator.url, emulator.token("orgaccess-admin", "s3cret-admin"))


@pytest.fixture
def app(emulator: EmulatorHandle) -> Caller:
    """Premium App: scope recording:view, locked to org-primary."""
    return Caller(emulator.url, emulator.token("premium-app", "s3cret-app"))
