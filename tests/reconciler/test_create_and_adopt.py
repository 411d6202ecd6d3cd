"""`create` of an org's resource: what is missing is made, what already exists under a declared name
is adopted (corrected in place, never made twice), and an org already as declared costs no write."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.reconciler import reconcile
from orgaccess.reconciler.kinds.base import FAILED, known_objects
from orgaccess.reconciler.kinds.role import roles
from orgaccess.reconciler.snapshot import Fleet
from tests.reconciler.support import ORG_ACCESS, declared_org, org_resource, writes

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


def test_create_reads_a_part_once_to_decide_the_writes_of_all_its_objects(
    fleet: Fleet, platform: EmulatorHandle
) -> None:
    # Two license toggles, both already as declared: one list of the org's features serves both.
    props = org_resource("org-primary", _with_screen_recording_on)
    reconcile.drift_of(fleet, ORG_ACCESS, props)  # the check's reads
    since = platform.audit_count()
    reconcile.create(fleet, ORG_ACCESS, props)
    reads = Counter(f"{e.method} {e.path}" for e in platform.audit(since) if e.method == "GET")
    assert reads["GET /api/v2/license/features"] == 1, reads


def _with_screen_recording_on(document: dict[str, Any]) -> None:
    declared_org(document, "org-primary")["licenses"]["screen_recording"] = True
