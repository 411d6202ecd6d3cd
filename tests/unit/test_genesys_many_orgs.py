"""A Genesys client over a large fleet: every stack's program and provider, and `orgaccess drift`,
build one org client for each org in the credentials file, so what each costs is paid once."""

from __future__ import annotations

import ssl
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from orgaccess.platform import _redact
from orgaccess.platform.genesys.client import GenesysClient, GenesysOrgClient

ORGS = 50


def test_the_org_clients_share_one_tls_context_however_many_orgs(monkeypatch: pytest.MonkeyPatch) -> None:
    # A context reads every CA of the system (17 ms, 0.7 MiB): one per org made 5,000 orgs cost
    # 85 s of CPU and 3.4 GiB in every process.
    loads: list[object] = []
    load = ssl.SSLContext.load_verify_locations

    def counted(context: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loads.append(args or kwargs)
        load(context, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counted)
    credentials = {f"org-{n:04d}": (f"admin-{n}", SecretStr("s3cret")) for n in range(ORGS)}
    with (
        GenesysClient("https://api.mypurecloud.com", credentials),
        GenesysClient("https://api.mypurecloud.com", credentials),
    ):
        pass

    assert len(loads) <= 1


def test_an_answer_is_read_without_scrubbing_text_against_every_orgs_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    # The answer-size error was made for every answer, and an error scrubs its text against every
    # secret the process holds: one per org, so `orgaccess drift` of 1,000 orgs spent minutes on it.
    scrubbed: list[str] = []
    scrub = _redact.Redactor.__call__

    def counted(redactor: _redact.Redactor, text: str) -> str:
        scrubbed.append(text)
        return scrub(redactor, text)

    monkeypatch.setattr(_redact.Redactor, "__call__", counted)

    def platform(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t0ken-genesys-1234", "expires_in": 3600})
        return httpx.Response(200, json={"id": "org-a", "name": "A", "version": 1})

    transport = httpx.MockTransport(platform)
    with GenesysOrgClient("https://api.mypurecloud.de", "org-a", "admin-a", "s3cret-a", transport=transport) as client:
        scrubbed.clear()
        client.get_organization("org-a")

    assert scrubbed == []
