"""A misbehaving platform (malformed, truncated, oversized or unexpected answers) meets the real
provider code: an org's OrgAccess resource, in each step the engine asks of it, and a service
account's resource stop with one clear error that names the org and the call, write nothing, and
echo no secret. (5xx, 429 and cut connections come from the emulator in tests/reconciler/test_storms.py;
the emulator's own API is fuzzed in tests/emulator; access.yaml in tests/unit/test_declarations_hostile.py.)"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import SecretStr

from orgaccess.declarations.access_yaml import parse_declarations
from orgaccess.deploy import session
from orgaccess.dialects import SEED
from orgaccess.engine.automation import PROJECT_DIR
from orgaccess.plan.desired import per_org, plan
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
    """The declared inputs of one resource of `kind` as the program declares it: a service account
    (at home), or a partner org's OrgAccess resource."""
    decls = parse_declarations((PROJECT_DIR / "access.yaml").read_text(), SEED)
    return next(
        item.props
        for item in per_org(plan(decls, SEED), SEED)
        if item.kind == kind and (kind == "ServiceAccount" or item.org != decls.homeOrg)
    )


def _check_error(provider: KindProvider, props: dict[str, Any]) -> str:
    """A check's error is a check failure, which stops the deployment before any write."""
    failures = provider.check({}, props).failures
    assert len(failures) == 1, failures
    return str(failures[0].reason)


def _raised(step: Callable[[KindProvider, dict[str, Any]], object]) -> Callable[[KindProvider, dict[str, Any]], str]:
    def error(provider: KindProvider, props: dict[str, Any]) -> str:
        with pytest.raises(OrgAccessError) as raised:
            step(provider, props)
        return str(raised.value)

    return error


# What the engine asks of a resource, each with the state's outputs as the declaration (olds and news).
STEPS: dict[str, Callable[[KindProvider, dict[str, Any]], str]] = {
    "check": _check_error,
    "diff": _raised(lambda provider, props: provider.diff(props["org"], props, props)),
    "create": _raised(lambda provider, props: provider.create(props)),
    "read": _raised(lambda provider, props: provider.read(props["org"], props)),
    "delete": _raised(lambda provider, props: provider.delete(props["org"], props)),
}


def _assert_clear_and_nothing_written(message: str, platform: Misbehaving) -> None:
    counts = FIGURES.setdefault("hostile-answers", {"inputs_tried": 0})
    counts["inputs_tried"] += 1
    assert [call for call in platform.seen if call[0] != "GET" and call[1] != "/oauth/token"] == []
    # Either the client's refusal of the answer, or (an answer that parses but lists nothing)
    # the kind's own error; both name the org.
    assert "org '" in message, message
    assert SECRET not in message and "tok-hostile" not in message


@pytest.mark.parametrize("step", list(STEPS))
def test_a_bad_answer_stops_each_step_of_an_org_s_resource_with_a_clear_error_and_no_write(
    step: str, platform: Misbehaving
) -> None:
    message = STEPS[step](KindProvider("OrgAccess"), _props_of("OrgAccess"))
    _assert_clear_and_nothing_written(message, platform)


def test_a_bad_answer_stops_the_create_of_a_service_account_with_a_clear_error_and_no_write(
    platform: Misbehaving,
) -> None:
    message = STEPS["create"](KindProvider("ServiceAccount"), _props_of("ServiceAccount"))
    _assert_clear_and_nothing_written(message, platform)
