"""Where the reconciler's own credentials, the platform URL and its dialect come from.

Stack config first (`orgaccess:apiUrl`, `orgaccess:clientId`, `orgaccess:clientSecret`,
`orgaccess:platform`, `orgaccess:caBundle`, `orgaccess:allowInsecureHttp`), then the environment,
then the documented default URL of the local emulator. The same resolution serves the Pulumi
program, the provider process and the CLI.

On `genesys-cloud` a client acts in its own org only, so the credentials are one admin client per
org: `orgaccess:orgCredentials` (a secret), a mapping `{org id: {clientId, clientSecret}}`, given
as an object, as its JSON text, or as the path of a JSON file holding it (env
`ORGACCESS_ORG_CREDENTIALS` likewise). A fleet of thousands of orgs gives a file: it is passed on
to the stacks by its path, where the JSON itself would exceed what one environment variable can
hold (128 KiB on Linux), and orgaccess never copies it.

The secrets and the tokens cross the network with every call, so the URL must be `https` unless it
names this machine (127.0.0.0/8, ::1, localhost); plain `http` to another host needs the explicit
opt-in `allowInsecureHttp`. On `genesys-cloud` the token host (`login.<region>`) is derived from
the URL and keeps its scheme, so the rule covers it too. Certificates are always verified, against
the system's CAs or the `caBundle` given; there is no switch to turn verification off.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from orgaccess.platform._redact import redact

if TYPE_CHECKING:
    # The dialect's client is built on the transport, which reads settings: no import at run time.
    from orgaccess.platform.dialect import Dialect

DEFAULT_API_URL = "http://127.0.0.1:8790"
DEFAULT_DECLARATIONS = "access.yaml"
DEFAULT_PLATFORM = "seed"
NAMESPACE = "orgaccess"

Lookup = Callable[[str], object]


class SettingsError(Exception):
    """Credentials or URL are missing or malformed; the message says where to set them."""


class MissingCredentials(SettingsError):
    """No client id or secret anywhere; front ends say where theirs are set."""


class OrgCredential(BaseModel):
    """orgaccess's admin client in one org, on a dialect whose clients act in one org."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    clientId: str
    clientSecret: SecretStr


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    api_url: str
    # The one admin account on the seed dialect; empty on genesys-cloud, which uses org_credentials.
    client_id: str
    client_secret: SecretStr
    # The dialect's config name (orgaccess.dialects); the object itself is chosen from it once.
    platform: str = DEFAULT_PLATFORM
    # (org id, credential), sorted by org: hashable, and equal for equal configs.
    org_credentials: tuple[tuple[str, OrgCredential], ...] = ()
    # A PEM file of the CAs to trust instead of the system's; None: the system's.
    ca_bundle: str | None = None
    # The absolute path org_credentials were read from, to hand on by reference; None: given inline.
    org_credentials_file: str | None = None


def _no_config(_key: str) -> object:
    return None


def resolve(config: Lookup, dialect: Dialect, *, api_url: str | None = None) -> Settings:
    """Settings for `dialect` from `config` (a stack-config lookup by bare key), then env, then defaults.

    `dialect` is the one `platform_setting(config)` names (orgaccess.dialects.resolve chooses it).
    """
    url = _api_url(config, api_url)
    ca_bundle = _pick(config, "caBundle", CA_BUNDLE_ENV)
    if ca_bundle:
        _check_ca_bundle(ca_bundle, _where(config, "caBundle", CA_BUNDLE_ENV))
    if dialect.per_org_credentials:
        return _per_org_settings(config, url, dialect, ca_bundle)
    return _one_account_settings(config, url, dialect, ca_bundle)


def _pick(config: Lookup, key: str, env: str) -> str | None:
    value = config(key)
    if value is None or value == "":
        value = os.environ.get(env)
    return None if value is None else str(value)


def _api_url(config: Lookup, api_url: str | None) -> str:
    """The platform URL, checked against the scheme rule (module docstring)."""
    url_key = "--api-url" if api_url else _where(config, "apiUrl", "ORGACCESS_API_URL")
    url = api_url or _pick(config, "apiUrl", "ORGACCESS_API_URL") or DEFAULT_API_URL
    where_insecure = _where(config, "allowInsecureHttp", INSECURE_ENV)
    insecure = _flag(_pick(config, "allowInsecureHttp", INSECURE_ENV), where_insecure)
    _check_url(url, url_key, allow_insecure_http=insecure)
    return url


def _per_org_settings(config: Lookup, url: str, dialect: Dialect, ca_bundle: str | None) -> Settings:
    given = config("orgCredentials") or os.environ.get(ORG_CREDENTIALS_ENV)
    where = _where(config, "orgCredentials", ORG_CREDENTIALS_ENV)
    credentials_file = _credentials_file(given)
    if credentials_file is not None:
        given = _read_credentials_file(credentials_file, where)
    return Settings(
        api_url=url.rstrip("/"),
        client_id="",
        client_secret=SecretStr(""),
        platform=dialect.name,
        org_credentials=org_credentials(given),
        ca_bundle=ca_bundle or None,
        org_credentials_file=None if credentials_file is None else str(credentials_file),
    )


def _one_account_settings(config: Lookup, url: str, dialect: Dialect, ca_bundle: str | None) -> Settings:
    client_id = _pick(config, "clientId", "ORGACCESS_CLIENT_ID")
    secret = _pick(config, "clientSecret", "ORGACCESS_CLIENT_SECRET")
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
    return Settings(
        api_url=url.rstrip("/"),
        client_id=client_id,
        client_secret=SecretStr(secret),
        platform=dialect.name,
        ca_bundle=ca_bundle or None,
    )


ORG_CREDENTIALS_ENV = "ORGACCESS_ORG_CREDENTIALS"
INSECURE_ENV = "ORGACCESS_ALLOW_INSECURE_HTTP"
PLATFORM_ENV = "ORGACCESS_PLATFORM"
CA_BUNDLE_ENV = "ORGACCESS_CA_BUNDLE"
_LOOPBACK_NAMES = {"localhost"}


def _where(config: Lookup, key: str, env: str) -> str:
    """The setting's name as the user set it: the stack-config key, else the env variable."""
    value = config(key)
    return f"{NAMESPACE}:{key}" if (value is not None and value != "") or env not in os.environ else env


def _flag(value: str | None, where: str) -> bool:
    if value is None or value == "":
        return False
    if value.lower() not in ("true", "false"):
        raise SettingsError(f"{NAMESPACE}:allowInsecureHttp must be true or false, not {value!r} (set in {where})")
    return value.lower() == "true"


@functools.lru_cache(maxsize=256)  # asked by every client made, one per org on genesys-cloud
def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: traffic that never leaves this machine."""
    if host.lower().rstrip(".") in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_url(url: str, where: str, *, allow_insecure_http: bool) -> None:
    shown = redact(url)  # a query string may hold a key
    try:
        parts = urlsplit(url)
        scheme, host = parts.scheme, parts.hostname
        has_userinfo = parts.username is not None or parts.password is not None
    except ValueError:  # a malformed IPv6 host, say
        scheme, host, has_userinfo = "", None, False
    if has_userinfo:
        # Never echoed: the part before '@' is a password.
        raise SettingsError(
            f"{where}: the platform URL carries credentials (user:password@host); remove them, orgaccess "
            f"authenticates with {NAMESPACE}:clientId and {NAMESPACE}:clientSecret"
        )
    if scheme not in ("http", "https") or not host:
        raise SettingsError(f"{where} {shown!r} is not an http(s) URL; set it to the platform's base URL")
    if scheme == "http" and not is_loopback(host) and not allow_insecure_http:
        raise SettingsError(
            f"{where} {shown!r} uses plain http to {host}, which would send the client secret and tokens in "
            f"clear; use https, or accept that risk explicitly with `pulumi config set {NAMESPACE}:allowInsecureHttp "
            f"true` (env {INSECURE_ENV}=true)"
        )


def _check_ca_bundle(path: str, where: str) -> None:
    try:
        ssl.create_default_context(cafile=path)
    except FileNotFoundError:
        raise SettingsError(f"{where} {path!r}: no such file; give the path of a PEM file of CA certificates") from None
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise SettingsError(f"{where} {path!r} is not a readable PEM file of CA certificates ({exc})") from None


def platform_setting(config: Lookup = _no_config) -> tuple[str, str]:
    """The dialect's name from stack config `orgaccess:platform`, else env ORGACCESS_PLATFORM, else
    seed; and where it was set, for a message about it."""
    value = config("platform")
    name = str(value) if value else os.environ.get(PLATFORM_ENV)
    return name or DEFAULT_PLATFORM, _where(config, "platform", PLATFORM_ENV)


_CREDENTIALS_HINT = (
    'a JSON file `{"<org id>": {"clientId": ..., "clientSecret": ...}, ...}` and '
    "`pulumi config set orgaccess:orgCredentials PATH` (or env ORGACCESS_ORG_CREDENTIALS=PATH), or "
    'the JSON itself as a secret: `pulumi config set --secret orgaccess:orgCredentials "$(cat FILE)"`'
)


def _credentials_file(value: object) -> Path | None:
    """The file `value` names, when it is neither the JSON text nor an object."""
    if not isinstance(value, str) or not value.strip() or value.lstrip().startswith("{"):
        return None
    return Path(value).expanduser().resolve()


def _read_credentials_file(path: Path, where: str) -> object:
    """The JSON in `path`; SettingsError names the file and the line, never its content."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(
            f"{where} names the file {str(path)!r}, which does not exist; give {_CREDENTIALS_HINT}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{where}: cannot read {str(path)!r} ({type(exc).__name__})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # exc.msg says what was expected, never what was found there.
        raise SettingsError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno}); "
            f"{where} needs {{org id: {{clientId, clientSecret}}}}"
        ) from None


def org_credentials(value: object) -> tuple[tuple[str, OrgCredential], ...]:
    """`orgaccess:orgCredentials` as (org, credential) pairs; SettingsError says what is wrong, never a secret."""
    mapping = _credentials_mapping(value)
    return tuple((str(org), _org_credential(org, credential)) for org, credential in sorted(mapping.items()))


def _credentials_mapping(value: object) -> dict[Any, Any]:
    """The org-to-credential mapping given as an object or as its JSON text."""
    if value is None or value == "":
        raise MissingCredentials(
            f"orgaccess has no admin credentials for any org on genesys-cloud; set {_CREDENTIALS_HINT}"
        )
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise SettingsError("orgaccess:orgCredentials is not valid JSON; set it as " + _CREDENTIALS_HINT) from None
    if not isinstance(value, dict) or not value:
        raise SettingsError("orgaccess:orgCredentials must map org ids to credentials; set " + _CREDENTIALS_HINT)
    return value


def _org_credential(org: object, credential: object) -> OrgCredential:
    try:
        return OrgCredential.model_validate(credential)
    except ValidationError as exc:
        fields = ", ".join(".".join(map(str, e["loc"])) or "value" for e in exc.errors())
        raise SettingsError(
            f"orgaccess:orgCredentials.{org}: needs exactly clientId and clientSecret (problem with: {fields})"
        ) from None


def declarations_path(config: Lookup) -> Path:
    """The declarations file named by stack config, relative to the program's directory."""
    value = config("declarations")
    return Path(str(value) if value else DEFAULT_DECLARATIONS)


def stack_lookup(get: Callable[[str], object]) -> Lookup:
    """A lookup over a namespaced config getter (pulumi.Config or the provider's config)."""
    return lambda key: get(f"{NAMESPACE}:{key}")
