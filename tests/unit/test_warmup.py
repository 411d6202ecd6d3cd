"""Warm-up reads, ahead of the engine, exactly what the declared orgs' resources will observe."""

from __future__ import annotations

import threading

from orgaccess.declarations.access_yaml import load_declarations
from orgaccess.deploy import warmup
from orgaccess.engine.automation import PROJECT_DIR
from orgaccess.platform.models import Grant, GrantType, LicenseFeature, OAuthClient, OrgLock, Role
from orgaccess.reconciler.snapshot import Fleet

DECLS = load_declarations(PROJECT_DIR / "access.yaml")


class RecordingClient:
    def __init__(self) -> None:
        self.reads: list[tuple[str, ...]] = []
        self._lock = threading.Lock()

    def _note(self, *call: str) -> None:
        with self._lock:
            self.reads.append(call)

    def list_clients(self, org: str) -> list[OAuthClient]:
        self._note("accounts", org)
        app = OAuthClient(
            id="premium-app",
            name="Premium App",
            authorizedGrantType=GrantType.CLIENT_CREDENTIALS,
            scopes=["recording:view"],
            orgLock=OrgLock.LINKED_ORGS,
            version=1,
        )
        return [app]

    def list_roles(self, org: str) -> list[Role]:
        self._note("roles", org)
        return []

    def list_license_features(self, org: str) -> list[LicenseFeature]:
        self._note("licenses", org)
        return []

    def list_subject_grants(self, org: str, subject: str) -> list[Grant]:
        self._note("grants", org, subject)
        return []


def test_warmup_reads_each_declared_orgs_roles_licenses_and_grants_once() -> None:
    client = RecordingClient()
    warmup.start(Fleet(client), DECLS, lambda org: True).join(10)  # type: ignore[arg-type]
    orgs = [o.id for o in DECLS.orgs]
    expected: set[tuple[str, ...]] = {("accounts", "org-primary")}
    expected |= {(part, org) for org in orgs for part in ("roles", "licenses")}
    expected |= {("grants", org, "premium-app") for org in orgs}
    assert sorted(client.reads) == sorted(expected)


def test_warmup_reads_only_the_orgs_of_its_shard() -> None:
    client = RecordingClient()
    warmup.start(Fleet(client), DECLS, lambda org: org == "org-partner-a").join(10)  # type: ignore[arg-type]
    assert {call[1] for call in client.reads if call[0] != "accounts"} == {"org-partner-a"}
