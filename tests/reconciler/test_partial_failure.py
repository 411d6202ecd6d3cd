"""One part of an org's resource fails: the others converge and are kept, the failure is listed
with its org and object, the stack's `up` fails on it, and the org stays a change in every later
`diff` until an `update` converges the part."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.emulator.scenario import read_scenario
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.models import GrantType, OAuthClientSpec
from orgaccess.reconciler import reconcile
from orgaccess.reconciler.kinds.base import FAILED, known_objects
from orgaccess.reconciler.kinds.role import roles
from orgaccess.reconciler.snapshot import Fleet
from providers.provider import ConvergenceProvider, OrgAccessError
from tests.reconciler.support import ORG_ACCESS, declared_org, org_resource

CONTRACT_ORG = "org-partner-d"
LICENSE = "LicenseFeature analytics"


@pytest.fixture
def contract_org(platform: EmulatorHandle) -> dict[str, Any]:
    """seed-403 with org-partner-d bare (no role, nothing granted to the app) but its contract-managed
    license, so the role and the binding have work to do beside the part that must fail."""
    scenario = copy.deepcopy(read_scenario("seed-403")[1])
    org = next(entry for entry in scenario["organizations"] if entry["id"] == CONTRACT_ORG)
    org["roles"] = []
    org["grants"] = [grant for grant in org["grants"] if grant["subject"] != "premium-app"]
    platform.reset(scenario)
    return org_resource(CONTRACT_ORG)


@pytest.fixture
def created(contract_org: dict[str, Any], fleet: Fleet) -> dict[str, Any]:
    """The state's outputs of org-partner-d's resource after its create."""
    return reconcile.create(fleet, ORG_ACCESS, contract_org)[1]


def test_the_parts_that_can_converge_do_when_one_cannot(
    contract_org: dict[str, Any], created: dict[str, Any], next_run: Callable[[], Fleet]
) -> None:
    left = reconcile.drift_of(next_run(), ORG_ACCESS, contract_org)
    assert [(d.object, d.fixable) for d in left] == [(LICENSE, False)]


def test_the_outputs_keep_the_parts_that_converged_and_not_the_one_that_failed(created: dict[str, Any]) -> None:
    assert sorted(known_objects(created)) == ["Role Recording Analyst", "RoleBinding Premium App"]


def test_the_part_that_failed_is_listed_with_its_org_object_and_reason(created: dict[str, Any]) -> None:
    [line] = created[FAILED]
    assert line.startswith(f"{CONTRACT_ORG}, {LICENSE}: ")
    assert "contract-managed" in line


def test_the_create_says_fixed_only_for_the_parts_that_converged(
    contract_org: dict[str, Any], fleet: Fleet, capsys: pytest.CaptureFixture[str]
) -> None:
    reconcile.check(fleet, ORG_ACCESS, contract_org)
    reconcile.create(fleet, ORG_ACCESS, contract_org)
    fixed = [line for line in capsys.readouterr().err.splitlines() if ": fixed " in line]
    assert [line.split(", ", 1)[1].split(":")[0] for line in fixed] == [
        "Role Recording Analyst",
        "RoleBinding Premium App",
    ]


def test_an_org_whose_part_failed_is_a_change_in_the_next_diff(
    contract_org: dict[str, Any], created: dict[str, Any], next_run: Callable[[], Fleet]
) -> None:
    assert reconcile.diff(next_run(), ORG_ACCESS, created, contract_org) == (True, [])


def test_the_stack_s_up_fails_naming_the_part_that_did_not_converge(created: dict[str, Any]) -> None:
    with pytest.raises(OrgAccessError, match=f"could not converge:\n  {CONTRACT_ORG}, {LICENSE}: "):
        ConvergenceProvider().create({FAILED: created[FAILED]})


# A failure that goes away: the binding of an account that does not exist yet.
READER = "Reader App"
WHERE = "org-partner-a"


def _reader_bound(document: dict[str, Any]) -> None:
    document["serviceAccounts"].append(
        {"name": READER, "grantType": "client_credentials", "scopes": ["recording:view"], "orgLock": "LINKED_ORGS"}
    )
    declared_org(document, WHERE)["bindings"].append({"serviceAccount": READER, "roles": ["Recording Analyst"]})


@pytest.fixture
def unbound(fleet: Fleet) -> tuple[dict[str, Any], dict[str, Any]]:
    """(inputs, outputs) of org-partner-a's resource, created while the account it binds was missing."""
    props = org_resource(WHERE, _reader_bound)
    _, outs = reconcile.create(fleet, ORG_ACCESS, props)
    assert [line.split(":")[0] for line in outs[FAILED]] == [f"{WHERE}, RoleBinding {READER}"]
    return props, outs


def _make_reader(hand: PlatformClient) -> str:
    spec = OAuthClientSpec(name=READER, authorizedGrantType=GrantType.CLIENT_CREDENTIALS, scopes=["recording:view"])
    return hand.create_client("org-primary", spec).id


def test_a_failed_part_stays_a_change_after_the_platform_was_fixed_by_hand(
    unbound: tuple[dict[str, Any], dict[str, Any]], by_hand: PlatformClient, next_run: Callable[[], Fleet]
) -> None:
    props, outs = unbound
    reader = _make_reader(by_hand)
    by_hand.grant_role(WHERE, reader, roles(next_run(), WHERE)["Recording Analyst"].id)
    assert reconcile.drift_of(next_run(), ORG_ACCESS, props) == []
    assert reconcile.diff(next_run(), ORG_ACCESS, outs, props) == (True, [])


def test_the_next_update_converges_a_failed_part_and_clears_its_failure(
    unbound: tuple[dict[str, Any], dict[str, Any]], by_hand: PlatformClient, next_run: Callable[[], Fleet]
) -> None:
    props, outs = unbound
    _make_reader(by_hand)
    fixed = reconcile.update(next_run(), ORG_ACCESS, outs, props)
    assert fixed[FAILED] == []
    assert reconcile.diff(next_run(), ORG_ACCESS, fixed, props) == (False, [])
