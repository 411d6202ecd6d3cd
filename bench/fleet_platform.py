"""A generated fleet (orgaccess/emulator/fleet_scenario.py) as the benchmarks serve it: its emulator,
and how orgaccess logs in to it.

On the seed platform: the home org's one admin account. On genesys-cloud: one admin client per org,
in one JSON file handed on by its path (`orgaccess:orgCredentials`, env ORGACCESS_ORG_CREDENTIALS),
as an operator configures a fleet of thousands of orgs. The file is written readable by its owner
only, in the run's work directory and never beside the results; no figure or log line holds it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from orgaccess.dialects import Definition, named, resolve
from orgaccess.emulator.api import Api
from orgaccess.emulator.fleet_scenario import Fleet
from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.platform.settings import Settings

CREDENTIALS_FILE = "org-credentials.json"
UNTHROTTLED = 10**9
# Each setting as stack config names it (orgaccess:<key>) and as the orgaccess commands read it.
_ENV = {
    "apiUrl": "ORGACCESS_API_URL",
    "platform": "ORGACCESS_PLATFORM",
    "clientId": "ORGACCESS_CLIENT_ID",
    "clientSecret": "ORGACCESS_CLIENT_SECRET",
    "orgCredentials": "ORGACCESS_ORG_CREDENTIALS",
}


@dataclass(frozen=True)
class Login:
    platform: Api
    # orgaccess's settings by their stack-config key, the platform URL aside.
    config: dict[str, str]

    def settings(self, api_url: str) -> Settings:
        """As a stack resolves its config: a credentials file is read, and remembered by its path."""
        config = {**self.config, "apiUrl": api_url}
        return resolve(config.get)

    def env(self, api_url: str) -> dict[str, str]:
        """This process's environment for an `orgaccess` command, without the caller's own ORGACCESS_*."""
        inherited = {name: value for name, value in os.environ.items() if not name.startswith("ORGACCESS_")}
        given = {**self.config, "apiUrl": api_url}
        return inherited | {_ENV[key]: value for key, value in given.items()}


def dialect(fleet: Fleet) -> Definition:
    """The dialect orgaccess speaks to `fleet`'s platform."""
    return named(fleet.api.value)


def seed_login(client_id: str, secret: str) -> Login:
    return Login(Api.SEED, {"platform": Api.SEED.value, "clientId": client_id, "clientSecret": secret})


def fleet_login(fleet: Fleet, work: Path) -> Login:
    """The login for `fleet`; on genesys-cloud its admins' credentials file is written into `work`."""
    if fleet.api is Api.SEED:
        ((client_id, secret),) = fleet.admins.values()
        return seed_login(client_id, secret)
    path = work / CREDENTIALS_FILE
    credentials = {org: {"clientId": cid, "clientSecret": secret} for org, (cid, secret) in fleet.admins.items()}
    # Created 0600, never widened: the secrets are never readable by another user, even for a moment.
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
        json.dump(credentials, file)
    return Login(fleet.api, {"platform": fleet.api.value, "orgCredentials": str(path)})


@contextmanager
def serving(fleet: Fleet, latency_ms: int, per_minute: int = UNTHROTTLED) -> Iterator[EmulatorHandle]:
    """An emulator of `fleet`'s dialect, drifted as generated, `latency_ms` a call, at `per_minute` a client and org."""
    with running_emulator(fleet.scenario, dialect=fleet.api) as emulator:
        emulator.set_faults(rateLimitPerMinute=per_minute, latencyMs=latency_ms)
        yield emulator
