"""The seed platform's data plane, as an app: its screen recordings in an org."""

from __future__ import annotations

from orgaccess.platform.client import PlatformClient
from orgaccess.platform.models import ORG_HEADER

PROBE_PATH = "/api/v2/analytics/screenrecordings"


class SeedProbe:
    def __init__(self, client: PlatformClient) -> None:
        self._client = client

    def call(self, org: str) -> str:
        return f"GET {PROBE_PATH} with {ORG_HEADER}: {org}"

    def run(self, org: str) -> str:
        return f"{len(self._client.list_screen_recordings(org))} recordings"

    def close(self) -> None:
        self._client.close()
