"""`create` of an org's resource: what is missing is made, what already exists under a declared name
is adopted (corrected in place, never made twice), and an org already as declared costs no write."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.models import RoleUpdate
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


def test_create_of_an_org_already_as_declared_keeps_every_part_it_read(fleet: Fleet, platform: EmulatorHandle) -> None:
    # A part forgotten without a write was read again by whoever asked next, or, when the forget landed
    # while another thread was reading it, by the converge itself: a call count that varied run to run.
    props = org_resource("org-primary")
    reconcile.create(fleet, ORG_ACCESS, props)
    since = platform.audit_count()
    reconcile.drift_of(fleet, ORG_ACCESS, props)
    assert platform.audit(since) == []


def test_create_reads_a_part_once_to_decide_the_writes_of_all_its_objects(
    fleet: Fleet, platform: EmulatorHandle
) -> None:
    # Two license toggles, both already as declared, in an org with a grant to make: the create
    # reads afresh what it decides on, and one list of the org's features serves both toggles.
    props = org_resource("org-primary", _with_screen_recording_on_and_a_grant_to_make)
    reconcile.drift_of(fleet, ORG_ACCESS, props)  # the check's reads
    since = platform.audit_count()
    reconcile.create(fleet, ORG_ACCESS, props)
    reads = Counter(f"{e.method} {e.path}" for e in platform.audit(since) if e.method == "GET")
    assert reads["GET /api/v2/license/features"] == 1, reads


def test_create_of_an_org_this_run_read_as_declared_reads_nothing_again(fleet: Fleet, platform: EmulatorHandle) -> None:
    props = org_resource("org-primary")
    assert reconcile.drift_of(fleet, ORG_ACCESS, props) == []  # the check's reads
    since = platform.audit_count()
    _, outs = reconcile.create(fleet, ORG_ACCESS, props)
    assert platform.audit(since) == []
    assert known_objects(outs)["Role Recording Analyst"]["adopted"] is True


def test_create_of_an_org_with_drift_reads_afresh_what_it_writes_on(
    fleet: Fleet, platform: EmulatorHandle, by_hand: PlatformClient
) -> None:
    # The check read partner-b's role with the wrong permission; by the create, someone fixed it by hand.
    props = org_resource("org-partner-b")
    assert reconcile.drift_of(fleet, ORG_ACCESS, props) != []
    role = by_hand.list_roles("org-partner-b", name="Recording Analyst")[0]
    fixed = RoleUpdate(
        name=role.name, description=role.description, permissions=["recording:view"], version=role.version
    )
    by_hand.update_role("org-partner-b", role.id, fixed)
    since = platform.audit_count()
    reconcile.create(fleet, ORG_ACCESS, props)
    assert writes(platform.audit(since)) == []


def _with_screen_recording_on_and_a_grant_to_make(document: dict[str, Any]) -> None:
    org = declared_org(document, "org-primary")
    org["licenses"]["screen_recording"] = True
    org["bindings"][0]["roles"].append("Screen Recording Admin")
