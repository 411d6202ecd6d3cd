"""Fixtures of the genesys-cloud suite: the emulator in that dialect on genesys-403, and SDK clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PureCloudPlatformClientV2 import ApiClient

from orgaccess.emulator.api import Api
from orgaccess.emulator.harness import EmulatorHandle, running_emulator

SCENARIO = "genesys-403"


@pytest.fixture(scope="module")
def module_emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(SCENARIO, dialect=Api.GENESYS_CLOUD) as handle:
        yield handle


@pytest.fixture
def emulator(module_emulator: EmulatorHandle) -> EmulatorHandle:
    """A fresh genesys-403 platform per test, reset in one process per module."""
    module_emulator.reset(SCENARIO)
    return module_emulator


@pytest.fixture
def login(emulator: EmulatorHandle) -> Callable[[str, str], ApiClient]:
    """The SDK's own client-credentials login against the emulator's base URL."""

    def log_in(client_id: str, secret: str) -> ApiClient:
        return ApiClient(host=emulator.url).get_client_credentials_token(client_id, secret)

    return log_in


@pytest.fixture
def admin_a(login: Callable[[str, str], ApiClient]) -> ApiClient:
    """orgaccess's admin client in org-partner-a (the admin role there)."""
    return login("orgaccess-admin-a", "s3cret-admin-a")
