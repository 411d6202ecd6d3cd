"""The SDK's own debug messages reach the engine only with ORGACCESS_SDK_DEBUG=1 (orgaccess/deploy/sdk_debug.py):
each is an RPC and an engine event per registration step, and says nothing about orgaccess's resources."""

from __future__ import annotations

import pytest

from orgaccess.deploy.sdk_debug import DEBUG_ENV
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import Stack, project_stack
from tests.e2e.e2e_support import ADMIN

pytestmark = pytest.mark.e2e

# One of the SDK's messages for every resource it registers (pulumi/runtime/resource.py).
SDK_STEP = "resource registration prepared"


def _debug_preview(stack: Stack) -> str:
    result = stack.preview(debug=True)
    assert result.returncode == 0, result.output[-3000:]
    return result.output


def test_a_debug_preview_shows_no_sdk_registration_steps(stack: Stack) -> None:
    assert SDK_STEP not in _debug_preview(stack)


def test_orgaccess_sdk_debug_1_sends_them_to_the_engine_again(
    platform: EmulatorHandle, tmp_path_factory: pytest.TempPathFactory
) -> None:
    asked = project_stack(
        tmp_path_factory.mktemp("state"),
        api_url=platform.url,
        client_id=ADMIN[0],
        client_secret=ADMIN[1],
        extra_env={DEBUG_ENV: "1"},
    )
    assert SDK_STEP in _debug_preview(asked)
