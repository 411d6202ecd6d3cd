"""Warm-up reads, ahead of the engine, exactly what the declared orgs' resources will observe."""

from __future__ import annotations

import threading

from orgaccess.declarations.access_yaml import load_declarations
from orgaccess.deploy import warmup
from orgaccess.dialects import GENESYS_CLOUD, SEED
from orgaccess.engine.automation import PROJECT_DIR
from orgaccess.platform.models import Grant, GrantType, LicenseFeature, OAuthClient, OrgLock, Role
from orgaccess.reconciler.snapshot import Fleet

DECLS = load_declarations(PROJECT_DIR / "access.yaml", SEED)


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

    def license_features(self, org: str) -> dict[str, LicenseFeature]:
        self._note("licenses", org)
        return {}

    def list_subject_grants(self, org: str, subject: str) -> list[Grant]:
        self._note("grants", org, subject)
        return []


def test_warmup_reads_each_declared_orgs_roles_licenses_and_grants_once() -> None:
    client = RecordingClient()
    warmup.warm(Fleet(client), SEED, DECLS, lambda org: True)  # type: ignore[arg-type]
    orgs = [o.id for o in DECLS.orgs]
    expected: set[tuple[str, ...]] = {("accounts", "org-primary")}
    expected |= {(part, org) for org in orgs for part in ("roles", "licenses")}
    expected |= {("grants", org, "premium-app") for org in orgs}
    assert sorted(client.reads) == sorted(expected)


def test_warmup_reads_only_the_orgs_of_its_shard() -> None:
    client = RecordingClient()
    warmup.warm(Fleet(client), SEED, DECLS, lambda org: org == "org-partner-a")  # type: ignore[arg-type]
    assert {call[1] for call in client.reads if call[0] != "accounts"} == {"org-partner-a"}


def test_where_accounts_live_per_org_warmup_reads_each_orgs_own_accounts() -> None:
    client = RecordingClient()
    warmup.warm(Fleet(client), GENESYS_CLOUD, DECLS, lambda org: True)  # type: ignore[arg-type]
    orgs = [o.id for o in DECLS.orgs]
    assert {call[1] for call in client.reads if call[0] == "accounts"} == set(orgs)
    assert {("grants", org, "premium-app") for org in orgs} <= set(client.reads)


def test_warmup_reads_another_org_before_the_home_orgs_own_objects() -> None:
    client = RecordingClient()
    warmup.warm(Fleet(client), SEED, DECLS, lambda org: True)  # type: ignore[arg-type]
    first_roles = next(call for call in client.reads if call[0] == "roles")
    assert first_roles[1] != DECLS.homeOrg


class RefusingClient(RecordingClient):
    def list_clients(self, org: str) -> list[OAuthClient]:
        self._note("accounts", org)
        raise RuntimeError("refused")


def test_a_platform_that_refuses_the_first_orgs_reads_is_not_asked_for_the_others() -> None:
    client = RefusingClient()
    warmup.warm(Fleet(client), SEED, DECLS, lambda org: True)  # type: ignore[arg-type]
    assert len({call[1] for call in client.reads if call[0] != "accounts"}) <= 1
    assert client.reads.count(("accounts", "org-primary")) == 1
