"""Genesys Cloud's data plane, as an app: the screen-recording sessions of its own org."""

from __future__ import annotations

from orgaccess.platform.genesys.client import GenesysClient

PROBE_PATH = "/api/v2/recordings/screensessions/details"


class GenesysProbe:
    def __init__(self, client: GenesysClient) -> None:
        self._client = client

    def call(self, org: str) -> str:
        return f"GET {PROBE_PATH} in {org}"

    def run(self, org: str) -> str:
        return f"{self._client.screen_sessions(org)} screen recordings"

    def close(self) -> None:
        self._client.close()
