"""A scriptable in-memory platform for client tests: httpx.MockTransport, no sockets."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from orgaccess.platform.client import PlatformClient

BASE_URL = "https://platform.test"
CLIENT_ID = "orgaccess-admin"
SECRET = "s3cret-admin-QmVyeVNlY3JldA"
TOKEN = "tok-eyJhbGciOiJIUzI1NiJ9-access"
ORG = "org-partner-a"

Step = Callable[[httpx.Request], httpx.Response]

ROLE: dict[str, Any] = {
    "id": "role-1",
    "name": "Recording Analyst",
    "description": "",
    "permissions": ["recording:view"],
    "builtIn": False,
    "version": 1,
}
ACCOUNT: dict[str, Any] = {
    "id": "premium-app",
    "name": "Premium App",
    "description": "",
    "authorizedGrantType": "CLIENT_CREDENTIALS",
    "scopes": ["recording:view"],
    "orgLock": "LINKED_ORGS",
    "version": 1,
}
RECORDING: dict[str, Any] = {
    "id": "rec-1",
    "conversationId": "conv-1",
    "userId": "user-1",
    "startTime": "2024-01-01T00:00:00Z",
    "durationMs": 1000,
    "mediaUri": "https://media.test/rec-1",
}
FEATURE: dict[str, Any] = {"name": "analytics", "enabled": True, "selfService": True}


def ok(body: Any = None, status: int = 200, headers: dict[str, str] | None = None) -> Step:
    """Answer `body` as JSON (no body when None)."""

    def step(request: httpx.Request) -> httpx.Response:
        if body is None:
            return httpx.Response(204 if status == 200 else status, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return step


def fail(status: int, code: str = "error", message: str = "failed", headers: dict[str, str] | None = None) -> Step:
    """Answer a platform error body."""
    body = {"status": status, "code": code, "message": message, "contextId": "ctx-1"}
    return ok(body, status, headers)


def raw(content: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Step:
    """Answer bytes exactly as given."""
    return lambda request: httpx.Response(status, content=content, headers=headers)


def drop(exc: type[httpx.TransportError] = httpx.ReadError) -> Step:
    """Fail the connection the way `exc` does."""

    def step(request: httpx.Request) -> httpx.Response:
        raise exc("connection dropped", request=request)

    return step


def page(entities: Sequence[Any], number: int = 1, count: int = 1) -> dict[str, Any]:
    return {
        "entities": list(entities),
        "pageSize": 100,
        "pageNumber": number,
        "total": len(entities),
        "pageCount": count,
    }


def token_step(token: str = TOKEN, expires_in: int = 86400) -> Step:
    return ok({"access_token": token, "token_type": "bearer", "expires_in": expires_in, "scope": ""})


def router(routes: dict[tuple[str, str], Sequence[Step]]) -> Step:
    """Answer each (method, path) with its steps in order; the last step repeats."""
    queues = {key: list(steps) for key, steps in routes.items()}
    lock = threading.Lock()

    def handle(request: httpx.Request) -> httpx.Response:
        key = (request.method, request.url.path)
        if key not in queues:
            raise AssertionError(f"unexpected request {key}")
        with lock:
            steps = queues[key]
            step = steps.pop(0) if len(steps) > 1 else steps[0]
        return step(request)

    return handle


def happy(request: httpx.Request) -> httpx.Response:
    """A platform that answers every API route successfully."""
    path, method = request.url.path, request.method
    if path == "/api/v2/organizations/me":
        return ok({"id": ORG, "name": "Partner A", "linkedOrganizations": []})(request)
    if path == "/api/v2/license/features":
        return ok({"entities": [FEATURE]})(request)
    if path.startswith("/api/v2/license/features/"):
        return ok(FEATURE)(request)
    if path.endswith("/secret"):
        return ok({"id": ACCOUNT["id"], "secret": "rotated"})(request)
    if method == "DELETE" or ("/subjects/" in path and method == "PUT"):
        return ok()(request)
    if path.endswith("/roles") or path.endswith("/clients") or path.endswith("/screenrecordings"):
        if method == "POST":
            return ok({**ACCOUNT, "secret": "new"} if "clients" in path else ROLE, 201)(request)
        item = ROLE if path.endswith("/roles") else ACCOUNT if "clients" in path else RECORDING
        return ok(page([item]))(request)
    return ok(ACCOUNT if "clients" in path else ROLE)(request)


class Platform:
    """MockTransport handler that serves tokens, delegates the API, and records everything."""

    def __init__(self, api: Step = happy, token: Step | None = None) -> None:
        self.api = api
        self.token = token or token_step()
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
        if request.url.path == "/oauth/token":
            return self.token(request)
        return self.api(request)

    def client(self, **options: Any) -> PlatformClient:
        return PlatformClient(
            BASE_URL,
            CLIENT_ID,
            SECRET,
            transport=httpx.MockTransport(self),
            sleep=self.sleeps.append,
            **options,
        )

    @property
    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.startswith("/api/")]

    @property
    def token_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == "/oauth/token"]

    def sent(self) -> list[tuple[str, str]]:
        """(method, path) of every API request, in order."""
        return [(r.method, r.url.path) for r in self.api_requests]


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)
