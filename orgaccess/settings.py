"""Where the reconciler's own credentials and the platform URL come from.

Stack config first (`orgaccess:apiUrl`, `orgaccess:clientId`, `orgaccess:clientSecret`),
then the environment, then the documented default URL of the local emulator. The same
resolution serves the Pulumi program, the provider process and the CLI.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, SecretStr

DEFAULT_API_URL = "http://127.0.0.1:8790"
DEFAULT_DECLARATIONS = "access.yaml"
NAMESPACE = "orgaccess"

Lookup = Callable[[str], object]


class SettingsError(Exception):
    """Credentials or URL are missing or malformed; the message says where to set them."""


class MissingCredentials(SettingsError):
    """No client id or secret anywhere; front ends say where theirs are set."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    api_url: str
    client_id: str
    client_secret: SecretStr


def _no_config(_key: str) -> object:
    return None


def resolve(config: Lookup = _no_config, *, api_url: str | None = None) -> Settings:
    """Settings from `config` (a stack-config lookup by bare key), then env, then defaults."""

    def pick(key: str, env: str) -> str | None:
        value = config(key)
        if value is None or value == "":
            value = os.environ.get(env)
        return None if value is None else str(value)

    url = api_url or pick("apiUrl", "ORGACCESS_API_URL") or DEFAULT_API_URL
    if not url.startswith(("http://", "https://")):
        raise SettingsError(f"orgaccess:apiUrl {url!r} is not an http(s) URL; set it to the platform's base URL")
    client_id = pick("clientId", "ORGACCESS_CLIENT_ID")
    secret = pick("clientSecret", "ORGACCESS_CLIENT_SECRET")
    missing = [
        hint
        for value, hint in (
            (client_id, "`pulumi config set orgaccess:clientId ID` (or env ORGACCESS_CLIENT_ID)"),
            (secret, "`pulumi config set --secret orgaccess:clientSecret` (or env ORGACCESS_CLIENT_SECRET)"),
        )
        if not value
    ]
    if missing:
        raise MissingCredentials("orgaccess has no credentials for the platform; set " + " and ".join(missing))
    assert client_id is not None and secret is not None
    return Settings(api_url=url.rstrip("/"), client_id=client_id, client_secret=SecretStr(secret))


def declarations_path(config: Lookup) -> Path:
    """The declarations file named by stack config, relative to the program's directory."""
    value = config("declarations")
    return Path(str(value) if value else DEFAULT_DECLARATIONS)


def stack_lookup(get: Callable[[str], object]) -> Lookup:
    """A lookup over a namespaced config getter (pulumi.Config or the provider's config)."""
    return lambda key: get(f"{NAMESPACE}:{key}")
