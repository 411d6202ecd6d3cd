"""Which orgs `orgaccess export` cannot read on genesys-cloud: those without an admin client."""

from __future__ import annotations

from typing import Any, cast

from orgaccess.dialects.genesys_cloud import reach
from orgaccess.platform.genesys.client import UnknownOrg
from orgaccess.platform.models import Organization
from orgaccess.reconciler.snapshot import Fleet


class _Credentials:
    """A client holding admin credentials for `orgs` only, as GenesysClient answers."""

    def __init__(self, orgs: set[str]) -> None:
        self._orgs = orgs

    def get_organization(self, org: str) -> Organization:
        if org not in self._orgs:
            raise UnknownOrg(org)
        return Organization(id=org, name=org, linkedOrganizations=[])


def test_export_names_each_org_without_admin_credentials_once_in_order() -> None:
    fleet = Fleet(cast(Any, _Credentials({"org-a", "org-c"})))

    problems = reach.unexportable(fleet, ["org-d", "org-a", "org-b", "org-d", "org-c"])

    assert [p.split(" has ")[0] for p in problems] == ["org 'org-b'", "org 'org-d'"]
    assert all("ORGACCESS_ORG_CREDENTIALS" in p for p in problems)


def test_export_finds_nothing_to_refuse_when_every_org_has_admin_credentials() -> None:
    fleet = Fleet(cast(Any, _Credentials({"org-a", "org-b"})))

    assert reach.unexportable(fleet, ["org-a", "org-b"]) == []
