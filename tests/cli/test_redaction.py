"""No form of a secret reaches the command's output, even from a server that echoes what it was sent.

The server below answers every call with an error whose text repeats the request's headers and body,
and the secret and token they carry in every form a server, a proxy or a log may spell them: raw,
Basic `base64(id:secret)`, base64 of the secret alone, URL-encoded, in a URL's userinfo and query.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest

from orgaccess.dialects.genesys_cloud.probe import PROBE_PATH as GENESYS_PROBE_PATH
from orgaccess.dialects.seed.probe import PROBE_PATH
from tests.cli.support import Cli, workdir
from tests.loopback_http import AnyMethodHandler, JsonHandler, serving

CLIENT_ID = "orgaccess-admin"
# Characters that URL-encoding and base64 each spell differently.
SECRET = "S3cr+t/with=odd&chars~é!"
TOKEN = "tok3n.echoed-back_by/the+server="


def spellings(value: str) -> list[str]:
    """`value` as an echoing server may write it."""
    raw = value.encode()
    encoded = base64.b64encode(raw).decode()
    return [
        value,
        encoded,
        encoded.rstrip("="),
        base64.urlsafe_b64encode(raw).decode(),
        quote(value, safe=""),
        quote_plus(value),
    ]


def leaks() -> list[str]:
    basic = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    return [*spellings(SECRET), *spellings(TOKEN), basic, quote(basic, safe="")]


def echo(headers: dict[str, str], body: str) -> str:
    """Everything the request carried, and the credential in its Authorization header re-spelled."""
    scheme, _, credential = headers.get("Authorization", "").partition(" ")
    if scheme == "Basic":
        client_id, _, secret = base64.b64decode(credential).decode().partition(":")
        url = f"https://{client_id}:{quote(secret, safe='')}@platform.example/cb?client_secret={quote(secret)}"
    else:
        secret, url = credential, f"https://platform.example/cb?access_token={quote(credential)}&page=2"
    forms = " ".join(f"[{form}]" for form in spellings(secret))
    return f"you sent headers={json.dumps(headers)} body={body!r} forms={forms} url={url}"


class EchoingPlatform(JsonHandler):
    """Grants a token only if `issue_token`; every other answer is an error echoing the request."""

    issue_token = False

    def do_POST(self) -> None:
        body = self.body()
        if self.path.startswith("/oauth/token"):
            if self.issue_token:
                self.answer(200, {"access_token": TOKEN, "token_type": "bearer", "expires_in": 3600})
            else:
                self.answer(400, {"error": "invalid_request", "error_description": echo(dict(self.headers), body)})
        else:
            self._refuse(body)

    def do_GET(self) -> None:
        self._refuse("")

    def _refuse(self, body: str) -> None:
        message = echo(dict(self.headers), body)
        self.answer(400, {"status": 400, "code": "bad.request", "message": message, "contextId": message})


@pytest.fixture(params=[False, True], ids=["token-request-echoed", "api-call-echoed"])
def echoing_platform(request: pytest.FixtureRequest) -> Iterator[str]:
    with serving(type("Handler", (EchoingPlatform,), {"issue_token": request.param})) as url:
        yield url


@pytest.fixture
def echo_cli(echoing_platform: str, tmp_path: Path) -> Cli:
    env = {"ORGACCESS_API_URL": echoing_platform, "ORGACCESS_CLIENT_ID": CLIENT_ID, "ORGACCESS_CLIENT_SECRET": SECRET}
    return Cli(echoing_platform, workdir(tmp_path), env)


def shown(output: str) -> list[str]:
    return [form for form in leaks() if form in output]


def test_an_echoed_request_shows_no_form_of_the_secret_in_the_error(echo_cli: Cli) -> None:
    run = echo_cli("drift")
    assert run.code == 1 and "orgaccess: error:" in run.stderr
    assert "you sent headers=" in run.stderr  # the server's message is shown, scrubbed
    assert shown(run.stdout + run.stderr) == []


def test_an_echoed_request_shows_no_form_of_the_secret_in_the_verbose_log(echo_cli: Cli) -> None:
    run = echo_cli("-v", "drift")
    assert run.code == 1 and "/oauth/token" in run.stderr  # the log of each call is on
    assert shown(run.stdout + run.stderr) == []


# The doctor's probe: the app's own call, whose error answer becomes the doctor's evidence.


class EchoingProbe(AnyMethodHandler):
    """Forwards every call to the emulator at `upstream`, but answers the doctor's probe with a 403
    whose error `code` is the credential the probe sent (and `echoed` keeps it, for the test)."""

    upstream = ""
    echoed: list[str]

    def handle_request(self) -> None:
        if self.path.split("?")[0] in (PROBE_PATH, GENESYS_PROBE_PATH):
            credential = self.headers.get("Authorization", "").partition(" ")[2]
            self.echoed.append(credential)
            self.answer(403, {"status": 403, "code": credential, "message": "forbidden", "contextId": "c-1"})
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        forwarded = httpx.request(self.command, self.upstream + self.path, headers=headers, content=body, timeout=30)
        self.answer(forwarded.status_code, forwarded.json())


@pytest.fixture(params=["seed", "genesys-cloud"])
def probed_cli(request: pytest.FixtureRequest) -> Iterator[tuple[Cli, list[str]]]:
    dialect_cli: Cli = request.getfixturevalue("cli" if request.param == "seed" else "genesys_cli")
    echoed: list[str] = []
    handler = type("Handler", (EchoingProbe,), {"upstream": dialect_cli.url, "echoed": echoed})
    with serving(handler) as url:
        env = {**dialect_cli.env, "ORGACCESS_API_URL": url, "ORGACCESS_PLATFORM": request.param}
        yield Cli(url, dialect_cli.cwd, env), echoed


@pytest.mark.parametrize("output", ["text", "json"])
def test_doctor_shows_no_credential_a_server_echoes_as_its_error_code(
    probed_cli: tuple[Cli, list[str]], output: str
) -> None:
    cli, echoed = probed_cli
    run = cli("doctor", "--format", output)
    assert run.code == 1, run.stderr
    assert echoed and "answered 403" in run.stdout  # the probe ran and its answer is the evidence
    assert [credential for credential in echoed if credential in run.stdout + run.stderr] == []
