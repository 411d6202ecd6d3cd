"""The data plane called as each app, with its own credentials, for the doctor's probe."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from pydantic import SecretStr

from orgaccess.declarations.yamlsource import show
from orgaccess.diagnosis.findings import AppProbe, Probe, Status, probed
from orgaccess.platform.models import OAuthClient

# (org, the app's client id, its secret) -> the dialect's probe as that app.
ProbeFactory = Callable[[str, str, SecretStr], AppProbe]


class Probes:
    """Calls the data plane as each service account; thread-safe.

    `secrets` are keyed by account name; where each org has its own client of an account
    (`per_org`), by `<org>/<name>`. Without a secret (or a factory) the probe is skipped, making no call.
    """

    def __init__(
        self,
        secrets: Mapping[str, SecretStr] | None = None,
        app_probe: ProbeFactory | None = None,
        *,
        per_org: bool = False,
    ) -> None:
        self._secrets = dict(secrets or {})
        self._app_probe = app_probe
        self._per_org = per_org
        self._probes: dict[str, AppProbe] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Probes:
        return self

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            for probe in self._probes.values():
                probe.close()
            self._probes.clear()

    def run(self, org: str, name: str, account: OAuthClient) -> Probe:
        key = f"{org}/{name}" if self._per_org else name
        secret = self._secrets.get(key)
        if secret is None or self._app_probe is None:
            env = "ORGACCESS_APP_CLIENT_SECRETS" if self._per_org else "ORGACCESS_APP_CLIENT_SECRET"
            return Probe(
                status=Status.SKIP,
                evidence=f"no secret for {show(key)}: set {env}, "
                "or use --app-secret-from-stack with the stack that created the account",
            )
        with self._lock:
            if key not in self._probes:
                # A 403 is an answer here, not a glitch: no retries beyond the client's for 5xx/429.
                self._probes[key] = self._app_probe(org, account.id, secret)
            probe = self._probes[key]
        return probed(probe, org, account.id)
