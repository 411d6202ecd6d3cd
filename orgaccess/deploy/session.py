"""Process-wide state of one deployment: the settings, one platform client, the snapshots.

For the engine's processes (the program, the providers): the reports take the `Fleet` they read
as a parameter instead.

A Pulumi provider process serves every resource of a deployment from a thread pool, so
everything here is created once, behind a lock, and shared. Nothing here is pickled: the
pickled providers only name a kind, and find this module fresh in each process.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from orgaccess import dialects
from orgaccess.declarations.access_yaml import DeclarationError
from orgaccess.deploy import startup, validated, warmup
from orgaccess.deploy.gate import Gate
from orgaccess.deploy.shard import parse_shard
from orgaccess.dialects.base import Definition
from orgaccess.platform import settings as settings_
from orgaccess.platform.settings import Settings, SettingsError
from orgaccess.reconciler import checkpoints
from orgaccess.reconciler.snapshot import Fleet

_lock = threading.Lock()
_settings: Settings | None = None
_fleet: Fleet | None = None
_failure: Exception | None = None
_prepared = False
_preflight: Gate | None = None
PROVIDER_ATTEMPTS = 8


def start(get: Callable[[str], object]) -> None:
    """Configures this process from the deployment's stack config, and starts warming its orgs.

    `get` looks up a namespaced stack-config key, as a provider's `configure` receives it.
    """
    startup.engine_process()
    try:
        configure(dialects.resolve(settings_.stack_lookup(get)))
    except SettingsError as exc:
        configure_failed(exc)
        return
    _prepare_once(get)


def _prepare_once(get: Callable[[str], object]) -> None:
    """Starts, once per process and in the background, the provider's half of the preflight, then
    the warm-up of every org of the stack."""
    global _prepared, _preflight
    with _lock:
        if _prepared:
            return
        _prepared = True
    config = settings_.stack_lookup(get)
    try:
        dialect = dialects.chosen(config)
        # A provider runs in the program's directory, where a relative declarations path points.
        path = settings_.declarations_path(config)
        shard_value = _text(config("shard"))
        decls = validated.load_part(path, dialect, shard_value)
        shard = parse_shard(shard_value, dialect)
    except (DeclarationError, SettingsError):
        return  # the program reports a bad file; there is nothing to check or warm without one
    live = fleet()
    _preflight = gate = Gate(lambda: dialect.reading_preflight(decls, path, live, shard.holds_org))

    def prepare() -> None:
        if gate.run():
            warmup.warm(live, dialect, decls, shard.holds_org)

    threading.Thread(target=prepare, name="orgaccess-warmup", daemon=True).start()


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def configure(settings: Settings) -> None:
    """Sets the settings; a change of them starts a new client and empty snapshots."""
    global _settings, _fleet, _failure
    with _lock:
        _failure = None
        if settings == _settings:
            return
        if _fleet is not None:
            _fleet.client.close()
        _settings, _fleet = settings, None


def configure_failed(error: Exception) -> None:
    """Remembers why settings could not be resolved; the first use of the fleet raises it."""
    global _failure
    with _lock:
        _failure = error


def checked_fleet() -> Fleet:
    """`fleet()`, once the provider's half of the preflight has passed (dialects/base.Definition):
    every `check` waits for it, so that no `up` writes before every org is known to be reachable."""
    if _preflight is not None:
        _preflight.wait()
    return fleet()


def dialect() -> Definition:
    """The platform dialect of this deployment."""
    with _lock:
        return dialects.of(_configured())


def fleet() -> Fleet:
    """The live view of every org, over one shared client."""
    global _fleet
    with _lock:
        settings = _configured()
        if _fleet is None:
            # More attempts than the client's default: in a provider process a read that still
            # fails during `check` stops the whole deployment, not just one resource.
            client = dialects.connect(settings, max_attempts=PROVIDER_ATTEMPTS)
            # A provider runs under the engine, with its environment.
            _fleet = Fleet(client, checkpointed=not checkpoints.skipped(os.environ))
        return _fleet


def _configured() -> Settings:
    """The settings `configure` set (called holding `_lock`); raises why there are none."""
    if _failure is not None:
        raise _failure
    if _settings is None:
        raise RuntimeError("orgaccess.deploy.session.configure() was not called in this process")
    return _settings
