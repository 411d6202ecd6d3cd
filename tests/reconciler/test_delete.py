"""`delete` of an org's resource, and an `update` that no longer declares an object: only what
orgaccess made goes; what it adopted, grants that were there before it, license features and
everything it never managed stay as they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.reconciler import reconcile
from orgaccess.reconciler.kinds.license_feature import features
from orgaccess.reconciler.kinds.role import roles
from orgaccess.reconciler.snapshot import Fleet
from tests.reconciler.support import ORG_ACCESS, declared_org, granted_to, org_resource, writes

APP = "premium-app"


def _created(fleet: Fleet, org: str) -> dict[str, Any]:
    """The state's outputs of `org`'s resource after its create."""
    return reconcile.create(fleet, ORG_ACCESS, org_resource(org))[1]


def _deleted(fleet: Fleet, next_run: Callable[[], Fleet], org: str) -> Fleet:
    """`org`'s resource created in one run and deleted in the next; a later run's view of the platform."""
    reconcile.delete(next_run(), ORG_ACCESS, _created(fleet, org))
    return next_run()


def test_delete_removes_the_roles_orgaccess_made(fleet: Fleet, next_run: Callable[[], Fleet]) -> None:
    after = _deleted(fleet, next_run, "org-partner-a")
    assert {name for name, role in roles(after, "org-partner-a").items() if not role.builtIn} == set()


def test_delete_revokes_the_grants_orgaccess_made(fleet: Fleet, next_run: Callable[[], Fleet]) -> None:
    after = _deleted(fleet, next_run, "org-partner-a")
    assert granted_to(after, "org-partner-a", APP) == {}


def test_delete_leaves_an_adopted_role_on_the_platform(fleet: Fleet, next_run: Callable[[], Fleet]) -> None:
    after = _deleted(fleet, next_run, "org-partner-b")
    assert roles(after, "org-partner-b")["Recording Analyst"].permissions == ["recording:view"]


def test_delete_leaves_a_grant_that_was_there_before_orgaccess(fleet: Fleet, next_run: Callable[[], Fleet]) -> None:
    after = _deleted(fleet, next_run, "org-partner-b")
    assert set(granted_to(after, "org-partner-b", APP)) == {"Recording Analyst"}


def test_delete_leaves_a_license_feature_as_it_is(fleet: Fleet, next_run: Callable[[], Fleet]) -> None:
    after = _deleted(fleet, next_run, "org-partner-c")
    assert features(after, "org-partner-c")["analytics"].enabled is True


def test_delete_never_touches_the_grants_of_accounts_it_does_not_manage(
    fleet: Fleet, next_run: Callable[[], Fleet]
) -> None:
    after = _deleted(fleet, next_run, "org-partner-a")
    assert set(granted_to(after, "org-partner-a", "orgaccess-admin")) == {"admin"}


def test_delete_of_an_org_orgaccess_only_adopted_writes_nothing(
    fleet: Fleet, next_run: Callable[[], Fleet], platform: EmulatorHandle
) -> None:
    olds = _created(fleet, "org-primary")
    since = platform.audit_count()
    reconcile.delete(next_run(), ORG_ACCESS, olds)
    assert writes(platform.audit(since)) == []


def _without_screen_recording_admin(document: dict[str, Any]) -> None:
    declared_org(document, "org-partner-a")["bindings"][0]["roles"] = ["Recording Analyst"]


def test_an_update_deletes_a_role_orgaccess_made_and_no_longer_declares(
    fleet: Fleet, next_run: Callable[[], Fleet]
) -> None:
    olds = _created(fleet, "org-partner-a")
    reconcile.update(next_run(), ORG_ACCESS, olds, org_resource("org-partner-a", _without_screen_recording_admin))
    after = next_run()
    assert "Screen Recording Admin" not in roles(after, "org-partner-a")
    assert set(granted_to(after, "org-partner-a", APP)) == {"Recording Analyst"}


def test_an_update_leaves_an_adopted_role_it_no_longer_declares(
    fleet: Fleet, next_run: Callable[[], Fleet], platform: EmulatorHandle
) -> None:
    olds = _created(fleet, "org-partner-c")
    since = platform.audit_count()
    news = org_resource("org-partner-c", lambda d: declared_org(d, "org-partner-c").update(bindings=[]))
    reconcile.update(next_run(), ORG_ACCESS, olds, news)
    assert writes(platform.audit(since)) == []
