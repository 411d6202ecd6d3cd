"""The one thing orgaccess takes from the network environment: the proxy for a remote platform.

httpx's `trust_env` would also send loopback traffic (the emulator, a local platform) through
`HTTP_PROXY`, with the admin's Basic credentials in clear to the proxy, trust `SSL_CERT_FILE` /
`SSL_CERT_DIR` beside the platform's CA setting, and read credentials from `.netrc`. orgaccess turns
it off and honours the standard proxy variables only (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`,
`NO_PROXY`, either case), and never for loopback (docs/configuration.md).
"""

from __future__ import annotations

import base64
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from orgaccess.platform.settings import SettingsError, is_loopback


@dataclass(frozen=True)
class Proxy:
    """An HTTP proxy, and the Basic login its URL gives, if any."""

    host: str
    port: int
    authorization: str | None = None

    @property
    def headers(self) -> Mapping[str, str]:
        """What the proxy is told beside a request: the login, sent to the proxy alone."""
        return {} if self.authorization is None else {"Proxy-Authorization": self.authorization}


def environment_proxy(url: str) -> Proxy | None:
    """The proxy the environment names for `url`, or None: for loopback, for a host in NO_PROXY, or none set."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if is_loopback(host) or urllib.request.proxy_bypass(host):
        return None
    proxies = urllib.request.getproxies()
    named = proxies.get(parts.scheme) or proxies.get("all")
    return _parsed(named, parts.scheme) if named else None


def _parsed(url: str, scheme: str) -> Proxy:
    parts = urlsplit(url if "://" in url else f"http://{url}")  # `host:port` alone is an HTTP proxy, as curl reads it
    if parts.scheme != "http" or not parts.hostname:
        shown = f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
        raise SettingsError(
            f"the environment's proxy for {scheme} URLs ({shown}) is not an http:// URL: orgaccess reaches a proxy"
            " over plain HTTP, and for an https platform a CONNECT tunnel through it carries TLS end to end;"
            f" set {scheme.upper()}_PROXY (or ALL_PROXY) to http://host:port"
        )
    authorization = None
    if parts.username is not None:
        login = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        authorization = "Basic " + base64.b64encode(login).decode("ascii")
    return Proxy(parts.hostname, parts.port or 80, authorization)
