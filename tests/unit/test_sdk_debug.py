"""Where the SDK's debug messages go (orgaccess/deploy/sdk_debug.py); the engine's side: tests/e2e/test_sdk_debug.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pulumi import log
from pulumi.runtime import resource

from orgaccess.deploy import sdk_debug


@pytest.fixture(autouse=True)
def sdk_log() -> Iterator[None]:
    original = log.debug
    yield
    log.debug = original


def test_they_are_dropped_for_every_sdk_module_by_default() -> None:
    sdk_debug.install({})
    assert resource.log.debug is log.debug
    assert log.debug.__module__ == sdk_debug.__name__


def test_orgaccess_sdk_debug_1_keeps_the_sdks_own() -> None:
    original = log.debug
    sdk_debug.install({sdk_debug.DEBUG_ENV: "1"})
    assert log.debug is original
