"""Injected faults on platform paths: latency, 5xx answers, connections cut before or after the work.

This is the outermost ASGI layer, so the `send` it receives is the server's own and it can reach
the connection's transport to cut it; under a server that does not expose one, it raises instead.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orgaccess.emulator import reasons
from orgaccess.emulator.api import Api
from orgaccess.emulator.audit import AuditLog, is_platform_path, mark_received, record
from orgaccess.emulator.errors import error_bytes
from orgaccess.platform.models import Faults


class FaultsMiddleware:
    def __init__(self, app: ASGIApp, faults: Callable[[], Faults], log: AuditLog, dialect: Api) -> None:
        self.app = app
        self.faults = faults
        self.log = log
        self.dialect = dialect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_platform_path(scope["path"]):
            mark_received(scope)
            faults = self.faults()
            if faults.latencyMs:
                await asyncio.sleep(faults.latencyMs / 1000)
            if faults.dropRate and random.random() < faults.dropRate:
                record(self.log, scope, 0, reasons.FAULT_DROP)
                await _cut(send)
                return
            if faults.errorRate and random.random() < faults.errorRate:
                record(self.log, scope, 503, reasons.FAULT_ERROR)
                await _answer_503(send, self.dialect)
                return
            if faults.lostAnswerRate and random.random() < faults.lostAnswerRate:
                await self.app(scope, receive, _losing_answer(send, scope, self.log))
                return
        await self.app(scope, receive, send)


def _losing_answer(send: Send, scope: Scope, log: AuditLog) -> Send:
    """A `send` that cuts the connection instead of answering: the request has already been carried out."""

    async def cut_instead(message: Message) -> None:
        if message["type"] == "http.response.start":
            record(log, scope, 0, reasons.FAULT_LOST_ANSWER)
            await _cut(send)

    return cut_instead


async def _cut(send: Send) -> None:
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionAbortedError("injected fault: connection dropped")
    transport.abort()
    # Let the server notice the lost connection, so it does not try to answer on it.
    await asyncio.sleep(0)


async def _answer_503(send: Send, dialect: Api) -> None:
    body = error_bytes(dialect, 503)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})
