"""Drift of an org's resource: a preview's `check` lists each differing field as a typed record,
`diff` turns drift into a change although the declaration did not change, and once an `update`
has fixed it the next run's `diff` is clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orgaccess.platform.client import PlatformClient
from orgaccess.platform.models import RoleUpdate
from orgaccess.reconciler import reconcile
from orgaccess.reconciler.snapshot import Fleet
from tests.reconciler.support import ORG_ACCESS, declared_org, inputs, org_resource, records

# seed-403 as loaded: each partner org fails the app for its own cause (docs/causes.md).
SEED_403_CAUSES = {
    "C3 roles missing and not granted": (
        "org-partner-a",
        [
            ("Role Recording Analyst", "exists", False, True, True),
            ("Role Screen Recording Admin", "exists", False, True, True),
            ("RoleBinding Premium App", "roles", [], ["Recording Analyst", "Screen Recording Admin"], True),
        ],
    ),
    "C3 role lacks the permission": (
        "org-partner-b",
        [("Role Recording Analyst", "permissions", ["analytics:read"], ["recording:view"], True)],
    ),
    "C4 license off": ("org-partner-c", [("LicenseFeature analytics", "enabled", False, True, True)]),
    "C4 license off by contract": ("org-partner-d", [("LicenseFeature analytics", "enabled", False, True, False)]),
}

HOME = "org-primary"
ROLE = "Recording Analyst"


def _role_id(hand: PlatformClient, name: str = ROLE) -> str:
    return next(r.id for r in hand.list_roles(HOME) if r.name == name)


def _permission_removed(hand: PlatformClient) -> None:
    role = next(r for r in hand.list_roles(HOME) if r.name == ROLE)
    update = RoleUpdate(name=ROLE, description=role.description, permissions=["analytics:read"], version=role.version)
    hand.update_role(HOME, role.id, update)


# Made by hand in org-primary (converged as seed-403 loads it), each with the records it must show.
OUT_OF_BAND: dict[str, tuple[Callable[[PlatformClient], Any], list[tuple[str, str, Any, Any, bool]]]] = {
    "role lost its permission": (
        _permission_removed,
        [("Role Recording Analyst", "permissions", ["analytics:read"], ["recording:view"], True)],
    ),
    "role deleted": (
        lambda hand: hand.delete_role(HOME, _role_id(hand)),
        [
            ("Role Recording Analyst", "exists", False, True, True),
            ("RoleBinding Premium App", "roles", [], [ROLE], True),
        ],
    ),
    "grant revoked": (
        lambda hand: hand.revoke_role(HOME, "premium-app", _role_id(hand)),
        [("RoleBinding Premium App", "roles", [], [ROLE], True)],
    ),
    "undeclared grant": (
        lambda hand: hand.grant_role(HOME, "premium-app", _role_id(hand, "admin")),
        [("RoleBinding Premium App", "roles", [ROLE, "admin"], [ROLE], True)],
    ),
    "license switched off": (
        lambda hand: hand.set_license_feature(HOME, "analytics", False),
        [("LicenseFeature analytics", "enabled", False, True, True)],
    ),
}


@pytest.mark.parametrize("cause", list(SEED_403_CAUSES))
def test_a_preview_check_reports_each_cause_as_typed_records(cause: str, fleet: Fleet) -> None:
    org, expected = SEED_403_CAUSES[cause]
    checked = reconcile.check(fleet, ORG_ACCESS, inputs(org_resource(org), preview=True))
    assert records(checked) == expected


def test_a_preview_check_of_an_org_as_declared_adds_no_records(fleet: Fleet) -> None:
    props = org_resource(HOME)
    assert reconcile.check(fleet, ORG_ACCESS, inputs(props, preview=True)) == props


def test_a_check_outside_a_preview_returns_the_declaration_without_records(fleet: Fleet) -> None:
    props = org_resource("org-partner-b")
    assert reconcile.check(fleet, ORG_ACCESS, inputs(props, preview=False)) == props


@pytest.fixture(params=list(OUT_OF_BAND))
def drifted(request: pytest.FixtureRequest, fleet: Fleet, by_hand: PlatformClient) -> tuple[dict[str, Any], str]:
    """org-primary's resource as created (its outputs, the state's olds), then changed by hand."""
    _, outs = reconcile.create(fleet, ORG_ACCESS, org_resource(HOME))
    OUT_OF_BAND[request.param][0](by_hand)
    return outs, request.param


def test_a_preview_check_reports_out_of_band_drift_as_typed_records(
    drifted: tuple[dict[str, Any], str], next_run: Callable[[], Fleet]
) -> None:
    _, cause = drifted
    checked = reconcile.check(next_run(), ORG_ACCESS, inputs(org_resource(HOME), preview=True))
    assert records(checked) == OUT_OF_BAND[cause][1]


def test_diff_sees_out_of_band_drift_as_a_change_of_an_unchanged_declaration(
    drifted: tuple[dict[str, Any], str], next_run: Callable[[], Fleet]
) -> None:
    olds, _ = drifted
    assert reconcile.diff(next_run(), ORG_ACCESS, olds, org_resource(HOME)) == (True, [])


def test_a_second_diff_after_the_update_is_clean(
    drifted: tuple[dict[str, Any], str], next_run: Callable[[], Fleet]
) -> None:
    olds, _ = drifted
    news = org_resource(HOME)
    fleet = next_run()
    reconcile.check(fleet, ORG_ACCESS, inputs(news, preview=False))
    fixed = reconcile.update(fleet, ORG_ACCESS, olds, news)
    assert reconcile.diff(next_run(), ORG_ACCESS, fixed, news) == (False, [])


def test_a_changed_declaration_is_an_update_in_place(fleet: Fleet, next_run: Callable[[], Fleet]) -> None:
    _, olds = reconcile.create(fleet, ORG_ACCESS, org_resource(HOME))
    news = org_resource(HOME, lambda d: declared_org(d, HOME)["bindings"][0].update(roles=[ROLE, "admin"]))
    assert reconcile.diff(next_run(), ORG_ACCESS, olds, news) == (True, [])


def test_a_resource_moved_to_another_org_is_replaced(fleet: Fleet, next_run: Callable[[], Fleet]) -> None:
    _, olds = reconcile.create(fleet, ORG_ACCESS, org_resource(HOME))
    assert reconcile.diff(next_run(), ORG_ACCESS, olds, org_resource("org-partner-c")) == (True, ["org"])
