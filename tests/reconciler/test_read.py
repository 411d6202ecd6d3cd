"""`read` of an org's resource (a refresh): the platform as it is, so that what was removed by hand
leaves the spec and shows as a change against the declaration."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from orgaccess.platform.client import PlatformClient
from orgaccess.reconciler import reconcile
from orgaccess.reconciler.kinds.base import FAILED, SPEC
from orgaccess.reconciler.kinds.role import roles
from orgaccess.reconciler.snapshot import Fleet
from tests.reconciler.support import ORG_ACCESS, org_resource

ORG = "org-partner-a"


def _created(fleet: Fleet, org: str = ORG) -> dict[str, Any]:
    return reconcile.create(fleet, ORG_ACCESS, org_resource(org))[1]


def _roles_in(inputs: dict[str, Any]) -> list[str]:
    return [role["name"] for role in json.loads(inputs[SPEC])["roles"]]


def test_read_of_a_converged_org_returns_its_declaration_as_inputs(fleet: Fleet, next_run: Callable[[], Fleet]) -> None:
    olds = _created(fleet)
    found = reconcile.read(next_run(), ORG_ACCESS, olds)
    assert found is not None
    assert found[1] == org_resource(ORG)


def _read_after_a_role_is_deleted_by_hand(
    fleet: Fleet, next_run: Callable[[], Fleet], by_hand: PlatformClient
) -> tuple[dict[str, Any], dict[str, Any]]:
    olds = _created(fleet)
    by_hand.delete_role(ORG, roles(next_run(), ORG)["Screen Recording Admin"].id)
    found = reconcile.read(next_run(), ORG_ACCESS, olds)
    assert found is not None
    return found


def test_read_drops_a_role_deleted_by_hand_from_the_spec(
    fleet: Fleet, next_run: Callable[[], Fleet], by_hand: PlatformClient
) -> None:
    _outputs, inputs = _read_after_a_role_is_deleted_by_hand(fleet, next_run, by_hand)
    assert _roles_in(inputs) == ["Recording Analyst"]


def test_after_a_read_that_dropped_an_object_the_diff_is_a_change(
    fleet: Fleet, next_run: Callable[[], Fleet], by_hand: PlatformClient
) -> None:
    outputs, _inputs = _read_after_a_role_is_deleted_by_hand(fleet, next_run, by_hand)
    assert reconcile.diff(next_run(), ORG_ACCESS, outputs, org_resource(ORG))[0] is True


def test_read_keeps_no_failure_of_the_last_up(fleet: Fleet, next_run: Callable[[], Fleet]) -> None:
    olds = _created(fleet, "org-partner-d")
    assert olds[FAILED]
    found = reconcile.read(next_run(), ORG_ACCESS, olds)
    assert found is not None
    assert found[0][FAILED] == []
