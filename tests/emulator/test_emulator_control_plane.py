"""The emulator's control plane (/_emulator/...) answers only callers on loopback, on either dialect."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from orgaccess.emulator.api import Api
from orgaccess.emulator.app import create_asgi
from orgaccess.emulator.server import prepare


def _status(dialect: Api, peer: str, method: str, path: str, body: object = None) -> int:
    """The status the app answers a call from `peer`, without a server: the ASGI app called in-process."""

    async def call() -> int:
        transport = httpx.ASGITransport(create_asgi(prepare(None, None, dialect)), client=(peer, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
            return (await client.request(method, path, json=body)).status_code

    return asyncio.run(call())


@pytest.mark.parametrize("dialect", list(Api))
def test_the_control_plane_refuses_a_caller_that_is_not_on_loopback(dialect: Api) -> None:
    assert _status(dialect, "192.0.2.10", "GET", "/_emulator/audit/count") == 403
    assert _status(dialect, "192.0.2.10", "PUT", "/_emulator/faults", {"latencyMs": 0}) == 403


@pytest.mark.parametrize("dialect", list(Api))
def test_the_control_plane_answers_a_caller_on_loopback(dialect: Api) -> None:
    assert _status(dialect, "127.0.0.1", "GET", "/_emulator/audit/count") == 200
