"""A misbehaving platform (malformed, truncated, oversized or unexpected answers) meets the real
provider code: each kind stops with one clear error that names the org and the call, writes
nothing, and echoes no secret. (The emulator's own API is fuzzed in tests/emulator; access.yaml in
tests/unit/test_declarations_hostile.py.)"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import SecretStr

from orgaccess.declarations.access_yaml import parse_declarations
from orgaccess.deploy import session
from orgaccess.dialects import SEED
from orgaccess.engine.automation import PROJECT_DIR
from orgaccess.plan.desired import plan
from orgaccess.platform.client import MAX_BODY_BYTES
from orgaccess.platform.settings import Settings
from providers.provider import KindProvider, OrgAccessError
from tests.reliability.support import FIGURES

SECRET = "s3cret-admin"
TOKEN = {"access_token": "tok-hostile", "token_type": "bearer", "expires_in": 86400, "scope": ""}
ROLE = {"id": "r1", "name": "Recording Analyst", "description": "", "builtIn": False, "version": 1}


@dataclass(frozen=True)
class Answer:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


# Each answered to every API read; a write must never follow.
ANSWERS = {
    "html instead of json": Answer(b"<html><body>502 Bad Gateway</body></html>"),
    "empty body": Answer(b""),
    "json null": Answer(b"null"),
    "truncated json": Answer(b'{"entities": [{"id": "r1", "name": "Recording Ana'),
    "wrong shape": Answer(b'{"entities": "all of them", "pageCount": "many"}'),
    "wrong types in an entity": Answer(
        json.dumps({"entities": [{**ROLE, "permissions": 5}], "pageSize": 100, "pageNumber": 1, "total": 1}).encode()
    ),
    "nested a million deep": Answer(b"[" * 1_000_000),
    "number beyond float": Answer(b'{"entities": [], "pageSize": 1e999, "pageNumber": 1, "total": 0, "pageCount": 1}'),
    "a secret echoed in a bad answer": Answer(json.dumps({"unexpected": SECRET, "message": SECRET}).encode()),
    "oversized by its content-length": Answer(b"{}", headers={"Content-Length": str(MAX_BODY_BYTES * 4)}),
    "oversized in fact": Answer(b'{"entities": ["' + b"x" * (MAX_BODY_BYTES + 1) + b'"]}'),
    "invalid utf-8": Answer(b'{"entities": ["\xff\xfe\xfd"]}'),
}


class _Platform(BaseHTTPRequestHandler):
    answer: Answer
    seen: list[tuple[str, str]]

    def do_POST(self) -> None:
        self.seen.append(("POST", self.path))
        if self.path == "/oauth/token":
            self._send(Answer(json.dumps(TOKEN).encode()))
        else:
            self._send(Answer(b'{"status": 500}', status=500))

    def do_GET(self) -> None:
        self.seen.append(("GET", self.path))
        self._send(self.answer)

    def do_PUT(self) -> None:
        self.do_POST()

    def do_DELETE(self) -> None:
        self.do_POST()

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        headers = {"Content-Type": "application/json", "Content-Length": str(len(answer.body)), **answer.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        # The client hangs up on an answer it refuses: that is the point.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass(frozen=True)
class Misbehaving:
    url: str
    seen: list[tuple[str, str]]


@pytest.fixture(params=list(ANSWERS), ids=list(ANSWERS))
def platform(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Misbehaving]:
    seen: list[tuple[str, str]] = []
    handler = type("Handler", (_Platform,), {"answer": ANSWERS[request.param], "seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="misbehaving-platform", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    # The provider shortens tracebacks for the engine; keep this process's intact.
    monkeypatch.setattr(sys, "tracebacklimit", 1000, raising=False)
    session.configure(Settings(api_url=url, client_id="orgaccess-admin", client_secret=SecretStr(SECRET)))
    try:
        yield Misbehaving(url, seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _props_of(kind: str) -> dict[str, Any]:
    """The declared properties of one object of `kind` in a partner org (accounts live at home)."""
    decls = parse_declarations((PROJECT_DIR / "access.yaml").read_text(), SEED)
    return next(
        item.props
        for item in plan(decls, SEED)
        if item.kind == kind and (kind == "ServiceAccount" or item.org != decls.homeOrg)
    )


@pytest.mark.parametrize("kind", ["ServiceAccount", "Role", "RoleBinding", "LicenseFeature"])
def test_a_bad_answer_stops_the_create_with_a_clear_error_and_no_write(kind: str, platform: Misbehaving) -> None:
    props = _props_of(kind)
    with pytest.raises(OrgAccessError) as raised:
        KindProvider(kind).create(props)
    message = str(raised.value)
    counts = FIGURES.setdefault("hostile-answers", {"inputs_tried": 0})
    counts["inputs_tried"] += 1
    assert [call for call in platform.seen if call[0] != "GET" and call[1] != "/oauth/token"] == []
    # Either the client's refusal of the answer, or (an answer that parses but lists nothing)
    # the kind's own error; both name the org.
    assert "org '" in message, message
    assert SECRET not in message and "tok-hostile" not in message
