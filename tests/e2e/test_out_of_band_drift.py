"""Each cause of the 403, injected out of band after a clean `up`: a plain preview shows it, `up` fixes it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from orgaccess.engine.automation import Stack
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.models import OAuthClientUpdate, OrgLock, RoleUpdate
from tests.e2e.e2e_support import APP, PARTNERS, drift_by_resource

pytestmark = pytest.mark.e2e

ORG = "org-partner-a"
CONTRACT_DRIFT = "LicenseFeature::org-partner-d/analytics"


def _role(admin: PlatformClient, name: str) -> str:
    (role,) = admin.list_roles(ORG, name=name)
    return role.id


def revoke_the_grant(admin: PlatformClient) -> None:
    admin.revoke_role(ORG, APP[0], _role(admin, "Recording Analyst"))


def remove_the_permission(admin: PlatformClient) -> None:
    (role,) = admin.list_roles(ORG, name="Recording Analyst")
    admin.update_role(ORG, role.id, RoleUpdate(name=role.name, permissions=[], version=role.version))


def lock_the_account(admin: PlatformClient) -> None:
    live = admin.get_client("org-primary", APP[0])
    update = OAuthClientUpdate(
        name=live.name,
        description=live.description,
        authorizedGrantType=live.authorizedGrantType,
        scopes=live.scopes,
        orgLock=OrgLock.PRIMARY_ONLY,
        version=live.version,
    )
    admin.update_client("org-primary", APP[0], update)


def turn_analytics_off(admin: PlatformClient) -> None:
    admin.set_license_feature(ORG, "analytics", False)


def grant_an_undeclared_role(admin: PlatformClient) -> None:
    admin.grant_role(ORG, APP[0], _role(admin, "admin"))


def delete_the_role(admin: PlatformClient) -> None:
    admin.delete_role(ORG, _role(admin, "Recording Analyst"))


CAUSES: dict[Callable[[PlatformClient], None], set[str]] = {
    revoke_the_grant: {"RoleBinding::org-partner-a/Premium App"},
    remove_the_permission: {"Role::org-partner-a/Recording Analyst"},
    lock_the_account: {"ServiceAccount::org-primary/Premium App"},
    turn_analytics_off: {"LicenseFeature::org-partner-a/analytics"},
    grant_an_undeclared_role: {"RoleBinding::org-partner-a/Premium App"},
    # Deleting a role also removes its grants.
    delete_the_role: {"Role::org-partner-a/Recording Analyst", "RoleBinding::org-partner-a/Premium App"},
}


@pytest.fixture(scope="module", autouse=True)
def converged(stack: Stack) -> None:
    stack.up()


@pytest.mark.parametrize("inject", list(CAUSES), ids=lambda f: f.__name__)
def test_out_of_band_cause_is_previewed_then_fixed_by_up(
    inject: Callable[[PlatformClient], None],
    stack: Stack,
    admin: PlatformClient,
    probe: Callable[[str], int],
) -> None:
    inject(admin)
    drift = drift_by_resource(stack.preview().check())
    assert set(drift) - {CONTRACT_DRIFT} == CAUSES[inject], drift

    stack.up()

    assert probe(ORG) == 200
    assert set(drift_by_resource(stack.preview().check())) == {CONTRACT_DRIFT}


def test_an_undeclared_grant_is_revoked_not_kept(stack: Stack, admin: PlatformClient) -> None:
    grant_an_undeclared_role(admin)
    stack.up()
    granted = {r.name for r in admin.list_subject_roles(ORG, APP[0])}
    assert granted == {"Recording Analyst", "Screen Recording Admin"}


def test_partner_orgs_other_than_the_contract_managed_one_all_answer_200(probe: Callable[[str], int]) -> None:
    assert [probe(org) for org in PARTNERS] == [200, 200, 200, 403]
