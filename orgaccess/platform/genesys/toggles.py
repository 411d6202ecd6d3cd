"""An org's license features on Genesys Cloud, each read when first asked for.

Genesys lists no toggles: each feature is a call of its own (`GET /api/v2/license/toggles/{name}`).
A run asks only about the features access.yaml declares (one of the three, in most orgs), so it
reads those alone; going through every feature, as an export does, reads them all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping

from orgaccess.platform.models import LicenseFeature
from orgaccess.vocabulary import LICENSE_FEATURES


class Toggles(Mapping[str, LicenseFeature]):
    """The features an org offers, by name; `read(name)` is one feature as live, None when not offered."""

    def __init__(self, read: Callable[[str], LicenseFeature | None]) -> None:
        self._read = read
        self._read_so_far: dict[str, LicenseFeature | None] = {}
        # One read of each feature, whichever of the threads sharing this org asks first.
        self._lock = threading.Lock()

    def _feature(self, name: str) -> LicenseFeature | None:
        if name not in LICENSE_FEATURES:
            return None
        with self._lock:
            if name not in self._read_so_far:
                self._read_so_far[name] = self._read(name)
            return self._read_so_far[name]

    def __getitem__(self, name: str) -> LicenseFeature:
        found = self._feature(name)
        if found is None:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter([name for name in sorted(LICENSE_FEATURES) if self._feature(name) is not None])

    def __len__(self) -> int:
        return len(list(iter(self)))
