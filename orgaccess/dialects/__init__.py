"""The dialects orgaccess speaks, by their config names: the one place that learns which exist.

A dialect is one package here holding everything that differs for it (dialects/base.Definition
says what that is); a new one is that package and one line below, or `register` for one defined
elsewhere (a test's). The dialect is chosen once per process from `orgaccess:platform` (env
ORGACCESS_PLATFORM, `--platform`), and handed on as an object: nothing else asks which it is.
"""

from __future__ import annotations

from typing import Any

from orgaccess.dialects.base import Definition
from orgaccess.dialects.genesys_cloud import DIALECT as GENESYS_CLOUD
from orgaccess.dialects.seed import DIALECT as SEED
from orgaccess.platform import settings as settings_
from orgaccess.platform.dialect import Client
from orgaccess.platform.ratebudget import buckets_from_env
from orgaccess.platform.settings import Lookup, Settings, SettingsError

__all__ = ["GENESYS_CLOUD", "SEED", "Definition", "chosen", "connect", "named", "of", "register", "resolve"]

DIALECTS: dict[str, Definition] = {dialect.name: dialect for dialect in (SEED, GENESYS_CLOUD)}


def register(dialect: Definition) -> None:
    if dialect.name in DIALECTS:
        raise ValueError(f"a dialect named {dialect.name!r} is already registered")
    DIALECTS[dialect.name] = dialect


def unregister(dialect: Definition) -> None:
    """Forgets a dialect that `register` added."""
    del DIALECTS[dialect.name]


def named(name: str, where: str = f"{settings_.NAMESPACE}:platform") -> Definition:
    """The dialect called `name`, set in `where`."""
    try:
        return DIALECTS[name]
    except KeyError:
        known = ", ".join(DIALECTS)
        raise SettingsError(f"{where} {name!r} is not a known platform; use one of: {known}") from None


def chosen(config: Lookup = lambda _key: None) -> Definition:
    """The dialect stack config `orgaccess:platform` names, else env ORGACCESS_PLATFORM, else seed."""
    return named(*settings_.platform_setting(config))


def resolve(config: Lookup = lambda _key: None, *, api_url: str | None = None) -> Settings:
    """orgaccess's settings from `config` (then env, then defaults), for the dialect it names."""
    return settings_.resolve(config, chosen(config), api_url=api_url)


def of(settings: Settings) -> Definition:
    """The dialect `settings` were resolved for."""
    return named(settings.platform)


def connect(settings: Settings, **options: Any) -> Client:
    """orgaccess's own client of the platform `settings` describe; `options` go to each PlatformClient."""
    options.setdefault("ca_bundle", settings.ca_bundle)
    # One set for every client: where each org has a client of its own, they share the buckets.
    options.setdefault("buckets", buckets_from_env())
    return of(settings).client(settings, **options)
