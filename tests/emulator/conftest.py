"""Fixtures of the emulator suite: a fresh seed-403 platform per test, and its two accounts."""

from __future__ import annotations

import pytest

from orgaccess.emulator.harness import EmulatorHandle
from tests.emulator.emulator_api import Caller


@pytest.fixture
def emulator(module_emulator: EmulatorHandle) -> EmulatorHandle:
    """Overrides the root fixture for this suite: the same fresh seed-403 platform per test, but
    reset through the control plane in one process per module rather than started anew, which
    keeps a hundred tests well inside the suite's time budget. Tests of start, stop and restart
    start their own processes."""
    module_emulator.reset()
    return module_emulator


@pytest.fixture
def admin(emulator: EmulatorHandle) -> Caller:
    """The reconciler's account: built-in admin in all five seed-403 orgs."""
    return Caller(emulator.url, emulator.token("orgaccess-admin", "s3cret-admin"))


@pytest.fixture
def app(emulator: EmulatorHandle) -> Caller:
    """Premium App: scope recording:view, locked to org-primary."""
    return Caller(emulator.url, emulator.token("premium-app", "s3cret-app"))
