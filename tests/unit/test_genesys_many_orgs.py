"""A Genesys client over a large fleet: every stack's program and provider, and `orgaccess drift`,
build one org client for each org in the credentials file, so what each costs is paid once."""

from __future__ import annotations

import ssl
from typing import Any

import pytest
from pydantic import SecretStr

from orgaccess.platform.genesys.client import GenesysClient

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
