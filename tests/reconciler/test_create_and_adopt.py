"""`create` of an org's resource: what is missing is made, what already exists under a declared name
is adopted (corrected in place, never made twice), and an org already as declared costs no write."""

from __future__ import annotations

from collections.abc import Callable

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.reconciler import reconcile
from orgaccess.reconciler.kinds.base import FAILED, known_objects
from orgaccess.reconciler.kinds.role import roles
from orgaccess.reconciler.snapshot import Fleet
from tests.reconciler.support import ORG_ACCESS, org_resource, writes

ROLE = "Role Recording Analyst"


def test_create_converges_an_org_that_has_none_of_the_declared_objects(
    fleet: Fleet, next_run: Callable[[], Fleet]
) -> None:
    props = org_resource("org-partner-a")
    _, outs = reconcile.create(fleet, ORG_ACCESS, props)
    assert outs[FAILED] == []
    assert reconcile.drift_of(next_run(), ORG_ACCESS, props) == []


def test_create_keeps_the_roles_it_made_as_its_own(fleet: Fleet) -> None:
    _, outs = reconcile.create(fleet, ORG_ACCESS, org_resource("org-partner-a"))
    made = known_objects(outs)
    assert [made[name]["adopted"] for name in (ROLE, "Role Screen Recording Admin")] == [False, False]


def test_create_names_the_resource_by_its_org(fleet: Fleet) -> None:
    id_, _ = reconcile.create(fleet, ORG_ACCESS, org_resource("org-partner-a"))
    assert id_ == "org-partner-a"


def test_create_adopts_a_role_of_the_declared_name_instead_of_making_another(
    fleet: Fleet, platform: EmulatorHandle
) -> None:
    existing = roles(fleet, "org-partner-c")["Recording Analyst"].id
    since = platform.audit_count()
    _, outs = reconcile.create(fleet, ORG_ACCESS, org_resource("org-partner-c"))
    assert known_objects(outs)[ROLE] == {"adopted": True, "builtIn": False, "roleId": existing}
    assert "POST /api/v2/security/roles" not in writes(platform.audit(since))


def test_create_corrects_an_adopted_role_in_place(fleet: Fleet, platform: EmulatorHandle) -> None:
    existing = roles(fleet, "org-partner-b")["Recording Analyst"].id
    since = platform.audit_count()
    reconcile.create(fleet, ORG_ACCESS, org_resource("org-partner-b"))
    assert writes(platform.audit(since)) == [f"PUT /api/v2/security/roles/{existing}"]


def test_create_of_an_org_already_as_declared_writes_nothing(fleet: Fleet, platform: EmulatorHandle) -> None:
    since = platform.audit_count()
    reconcile.create(fleet, ORG_ACCESS, org_resource("org-primary"))
    assert writes(platform.audit(since)) == []
