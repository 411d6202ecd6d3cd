"""Process-wide state of one deployment: the settings, one platform client, the snapshots.

A Pulumi provider process serves every resource of a deployment from a thread pool, so
everything here is created once, behind a lock, and shared. Nothing here is pickled: the
pickled providers only name a kind, and find this module fresh in each process.
"""

from __future__ import annotations

import threading

from orgaccess.platform.client import PlatformClient
from orgaccess.settings import Settings
from orgaccess.snapshot import Fleet

_lock = threading.Lock()
_settings: Settings | None = None
_fleet: Fleet | None = None
_failure: Exception | None = None


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


def fleet() -> Fleet:
    """The live view of every org, over one shared client."""
    global _fleet
    with _lock:
        if _failure is not None:
            raise _failure
        if _fleet is None:
            if _settings is None:
                raise RuntimeError("orgaccess.session.configure() was not called in this process")
            client = PlatformClient(_settings.api_url, _settings.client_id, _settings.client_secret)
            _fleet = Fleet(client)
        return _fleet
