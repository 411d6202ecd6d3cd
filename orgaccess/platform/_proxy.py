"""The one thing orgaccess takes from the network environment: the proxy for a remote platform.

httpx's `trust_env` would also send loopback traffic (the emulator, a local platform) through
`HTTP_PROXY`, with the admin's Basic credentials in clear to the proxy, trust `SSL_CERT_FILE` /
`SSL_CERT_DIR` beside the platform's CA setting, and read credentials from `.netrc`. orgaccess turns
it off and honours the standard proxy variables only (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`,
`NO_PROXY`, either case), and never for loopback (docs/configuration.md).
"""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

from orgaccess.platform.settings import is_loopback


def environment_proxy(url: str) -> str | None:
    """The proxy the environment names for `url`, or None: for loopback, for a host in NO_PROXY, or none set."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if is_loopback(host) or urllib.request.proxy_bypass(host):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(parts.scheme) or proxies.get("all")
