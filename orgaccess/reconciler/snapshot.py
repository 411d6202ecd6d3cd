"""The live state of each org, read once per process and shared by every resource.

A preview of N orgs must cost about N x (3 + accounts) API calls, not one call per
resource per field: each part of an org (its roles, its licenses, one subject's grants,
the home org's accounts) is fetched on first use, by one thread while the others wait,
and then served from memory. Writes invalidate exactly the part they changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from orgaccess.platform.client import PlatformClient
from orgaccess.platform.genesys.client import GenesysClient
from orgaccess.platform.models import Division, Grant, LicenseFeature, OAuthClient, Organization, Role

T = TypeVar("T")


class _Parts:
    """Values computed once per key, with one lock per key so slow fetches overlap.

    A `forget` that lands while a fetch is in flight wins: the fetched value may predate
    the write that caused the forget, so it is returned to its caller but not kept.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Hashable, Any] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._generation: dict[Hashable, int] = {}

    def get(self, key: Hashable, fetch: Callable[[], T], *, fresh: bool = False) -> T:
        if fresh:
            self.forget(key)
        with self._lock:
            if key in self._values:
                return self._values[key]
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
                generation = self._generation.get(key, 0)
            value = fetch()
            with self._lock:
                if self._generation.get(key, 0) == generation:
                    self._values[key] = value
            return value

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._values.pop(key, None)
            self._generation[key] = self._generation.get(key, 0) + 1


class Fleet:
    """Cached reads of every org, over one shared client."""

    def __init__(self, client: PlatformClient | GenesysClient) -> None:
        self.client = client
        self._parts = _Parts()

    def organization(self, org: str) -> Organization:
        return self._parts.get(("org", org), lambda: self.client.get_organization(org))

    # `fresh=True` reads again: a write is about to be decided on what is live right now.

    def roles(self, org: str, *, fresh: bool = False) -> dict[str, Role]:
        """Every role of `org` (built-in ones included) by name."""
        return self._parts.get(("roles", org), lambda: {r.name: r for r in self.client.list_roles(org)}, fresh=fresh)

    def licenses(self, org: str, *, fresh: bool = False) -> dict[str, LicenseFeature]:
        return self._parts.get(
            ("licenses", org), lambda: {f.name: f for f in self.client.list_license_features(org)}, fresh=fresh
        )

    def accounts(self, home_org: str, *, fresh: bool = False) -> dict[str, OAuthClient]:
        """The service accounts whose home is `home_org`, by name."""
        return self._parts.get(
            ("accounts", home_org), lambda: {c.name: c for c in self.client.list_clients(home_org)}, fresh=fresh
        )

    def grant_pairs(self, org: str, subject_id: str, *, fresh: bool = False) -> list[Grant]:
        """The (role, division) grants of `subject_id` in `org`."""
        return self._parts.get(
            ("grants", org, subject_id), lambda: self.client.list_subject_grants(org, subject_id), fresh=fresh
        )

    def grants(self, org: str, subject_id: str, *, fresh: bool = False) -> dict[str, Role]:
        """The roles granted to `subject_id` in `org`, in any division, by name."""
        return {grant.role.name: grant.role for grant in self.grant_pairs(org, subject_id, fresh=fresh)}

    def divisions(self, org: str) -> dict[str, Division]:
        """The divisions of `org` by name (its home only on the seed platform)."""
        return self._parts.get(("divisions", org), lambda: {d.name: d for d in self.client.list_divisions(org)})

    def forget_roles(self, org: str) -> None:
        self._parts.forget(("roles", org))

    def forget_licenses(self, org: str) -> None:
        self._parts.forget(("licenses", org))

    def forget_accounts(self, home_org: str) -> None:
        self._parts.forget(("accounts", home_org))

    def forget_grants(self, org: str, subject_id: str) -> None:
        self._parts.forget(("grants", org, subject_id))
