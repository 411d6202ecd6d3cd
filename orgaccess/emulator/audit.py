"""The audit log: every platform request in order, with the real reason of each refusal.

Kept in memory (it is a test and demo aid, not platform state): a restart starts a new log.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orgaccess.platform.models import ORG_HEADER, AuditEntry

_ORG_HEADER = ORG_HEADER.lower().encode()


def is_platform_path(path: str) -> bool:
    """Faults and audit apply to the platform's API only, never to the emulator's control plane."""
    return path.startswith(("/api/", "/oauth/"))


class AuditLog:
    """Entries are kept as they come and made models (their times formatted) only when read: the
    log is written by every request and read by few, and a model and two timestamps a request were
    a twentieth of the emulator's CPU in a 5,000-org drift."""

    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def append(
        self,
        *,
        client: str | None,
        org: str | None,
        method: str,
        path: str,
        status: int,
        reason: str | None,
        retry_after: int | None = None,
        received: float | None = None,
    ) -> None:
        """`received`: when the request arrived (time.time()), before any injected latency or work."""
        entry = {
            "time": time.time(),
            "client": client,
            "org": org,
            "method": method,
            "path": path,
            "status": status,
            "reason": reason,
            "retryAfter": retry_after,
            "received": received,
        }
        with self._lock:
            self._entries.append(entry)

    def since(self, n: int) -> list[AuditEntry]:
        with self._lock:
            kept = self._entries[n:]
        return [_entry(kept_entry) for kept_entry in kept]

    def __len__(self) -> int:
        return len(self._entries)


def _entry(kept: dict[str, Any]) -> AuditEntry:
    received = kept["received"]
    return AuditEntry(**{**kept, "time": _iso(kept["time"]), "received": None if received is None else _iso(received)})


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def mark_received(scope: Scope) -> None:
    """Notes the arrival time of a request, before any injected latency or work."""
    scope.setdefault("state", {})["audit_received"] = time.time()


def header_org(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == _ORG_HEADER:
            return str(value.decode("latin-1"))
    return None


def record(
    log: AuditLog, scope: Scope, status: int, reason: str | None, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    """One entry for a request; the routes leave `audit_client`, `audit_org`, `audit_reason` in its state."""
    state = scope.get("state", {})
    retry_after = next((value for name, value in headers if name.lower() == b"retry-after"), None)
    log.append(
        client=state.get("audit_client"),
        org=state.get("audit_org") or header_org(scope),
        method=scope["method"],
        path=scope["path"],
        status=status,
        reason=state.get("audit_reason") if reason is None else reason,
        retry_after=int(retry_after) if retry_after is not None and retry_after.isdigit() else None,
        received=state.get("audit_received"),
    )


class AuditMiddleware:
    def __init__(self, app: ASGIApp, log: AuditLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_platform_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})
        recorded = False

        async def capture(message: Message) -> None:
            nonlocal recorded
            if message["type"] == "http.response.start":
                # Recorded before the answer leaves, so a client that reads the audit next sees it.
                record(self.log, scope, message["status"], None, message.get("headers", ()))
                recorded = True
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if not recorded:
                record(self.log, scope, 500, None)
