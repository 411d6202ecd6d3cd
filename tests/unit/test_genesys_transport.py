"""The Genesys Cloud adapter on the wire: tokens from the region's login host, every org's secret masked."""

from __future__ import annotations

import base64
import json

import httpx
from pydantic import SecretStr

from orgaccess.platform._redact import redact
from orgaccess.platform.genesys.client import GenesysClient, GenesysOrgClient


def test_tokens_come_from_the_login_host_of_the_region_over_https() -> None:
    asked: list[str] = []

    def platform(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t0ken-genesys-1234", "expires_in": 3600})
        return httpx.Response(200, json={"id": "org-a", "name": "A", "version": 1})

    transport = httpx.MockTransport(platform)
    with GenesysOrgClient("https://api.mypurecloud.de", "org-a", "admin-a", "s3cret-a", transport=transport) as client:
        client.get_organization("org-a")
    assert asked == ["https://login.mypurecloud.de/oauth/token", "https://api.mypurecloud.de/api/v2/organizations/me"]


def test_every_org_secret_is_masked_in_each_form_it_travels_in() -> None:
    secrets = {org: f"per-org-s3cret-{org}-x9Qz" for org in ("org-a", "org-b")}
    credentials = {org: (f"admin-{org}", SecretStr(secret)) for org, secret in secrets.items()}
    with GenesysClient("https://api.mypurecloud.com", credentials):
        for org, secret in secrets.items():
            basic = base64.b64encode(f"admin-{org}:{secret}".encode()).decode()
            # Neither form is shaped like a credential: only knowing the secret masks it.
            text = f"{json.dumps({'clientSecret': secret})} {basic}"
            assert secret not in redact(text) and basic not in redact(text)
