"""A kind added in one module (tests/throwaway_kind.py) is planned, reviewed and checked with no other change.

tests/e2e/test_throwaway_kind.py shows the same kind on the real engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from orgaccess.declarations.access_yaml import load_declarations
from orgaccess.deploy import policy_rules, warmup
from orgaccess.deploy.policy_rules import Declared, resources_of
from orgaccess.dialects import SEED
from orgaccess.engine.automation import PROJECT_DIR
from orgaccess.engine.result import Result, Step
from orgaccess.plan.desired import Desired, per_org, plan
from orgaccess.reconciler.kinds import KINDS, org_access
from orgaccess.reconciler.snapshot import Fleet
from orgaccess.reports.health import columns
from orgaccess.reports.review import preview_of, render
from tests import throwaway_kind
from tests.throwaway_kind import KIND

DECLS = load_declarations(PROJECT_DIR / "access.yaml", SEED)
ORG = "org-partner-a"
TYPE = "pulumi-python:dynamic/orgaccess:OrgAccess"
URN = f"urn:pulumi:t::orgaccess::{TYPE}::{ORG}"
# The only binding of access.yaml with a justification.
JUSTIFICATION = "Premium deletes recordings of partner A on its legal team's request"


@pytest.fixture
def registered() -> Iterator[None]:
    with throwaway_kind.registered():
        yield


def org_resource() -> Desired:
    return next(d for d in per_org(plan(DECLS, SEED), SEED) if d.kind == org_access.KIND.name and d.org == ORG)


def inputs(notes: list[dict[str, Any]]) -> dict[str, Any]:
    listed = org_access.KIND.listed(org_resource().props)
    return {**org_access.KIND.declared(ORG, {**listed, throwaway_kind.KEY: notes}), "drift": []}


@pytest.mark.usefixtures("registered")
def test_the_kind_plans_its_objects_from_the_declarations() -> None:
    (note,) = [d for d in plan(DECLS, SEED) if d.kind == KIND.name]
    assert (note.name, note.props["text"]) == (f"{ORG}/Premium App", JUSTIFICATION)


@pytest.mark.usefixtures("registered")
def test_its_objects_are_parts_of_their_orgs_resource() -> None:
    listed = org_access.KIND.listed(org_resource().props)
    assert [n["serviceAccount"] for n in listed[throwaway_kind.KEY]] == ["Premium App"]
    assert [k for k, _ in org_access.KIND.parts][-1] == throwaway_kind.KEY


@pytest.mark.usefixtures("registered")
def test_the_review_writes_its_line_after_the_kinds_before_it() -> None:
    note = {"org": ORG, "serviceAccount": "Premium App", "text": "SEC-1: legal"}
    step = Step(URN, TYPE, "update", (), inputs([]), inputs([note]))
    report = render(preview_of(Result("preview", 0, steps=(step,))))
    assert f"**{ORG}**\n\n- Note on Premium App (new): SEC-1: legal\n" in report


@pytest.mark.usefixtures("registered")
def test_a_policy_rule_about_the_kind_sees_its_objects() -> None:
    note = {"org": ORG, "serviceAccount": "Premium App", "text": "legal asked"}
    found = list(resources_of(TYPE, URN, inputs([note])))
    (seen,) = [r for r in found if r.kind == KIND.name]
    assert list(throwaway_kind.RULE.check(seen.props, {})) == [
        f"the note on 'Premium App' in org '{ORG}' names no SEC- ticket"
    ]
    assert Declared(found).find(KIND, ORG, "Premium App") == seen
    assert throwaway_kind.RULE in policy_rules.RULES


@pytest.mark.usefixtures("registered")
def test_the_drift_page_gives_it_its_own_column() -> None:
    assert columns().index(KIND.column) == columns().index("license") + 1


class EmptyPlatform:
    """The platform of the real kinds, holding nothing: only the kind's own reads are counted here."""

    def list_clients(self, _org: str) -> list[Any]:
        return []

    def list_roles(self, _org: str) -> list[Any]:
        return []

    def license_features(self, _org: str) -> dict[str, Any]:
        return {}


@pytest.mark.usefixtures("registered")
def test_the_warmup_reads_the_kinds_platform_once_per_org_through_the_snapshot() -> None:
    throwaway_kind.NOTES.reads.clear()
    fleet = Fleet(EmptyPlatform())  # type: ignore[arg-type]
    warmup.warm(fleet, SEED, DECLS, lambda _org: True)
    assert throwaway_kind.NOTES.reads == dict.fromkeys((o.id for o in DECLS.orgs), 1)


@pytest.mark.usefixtures("registered")
def test_its_observation_reads_its_platform_through_the_same_part() -> None:
    throwaway_kind.NOTES.reads.clear()
    throwaway_kind.NOTES.notes = {ORG: {"Premium App": "SEC-7: legal"}}
    try:
        fleet = Fleet(EmptyPlatform())  # type: ignore[arg-type]
        (note,) = [d for d in plan(DECLS, SEED) if d.kind == KIND.name]
        KIND.read(fleet, SEED, DECLS, next(o for o in DECLS.orgs if o.id == ORG))
        observed = KIND.observe(fleet, note.props)
    finally:
        throwaway_kind.NOTES.notes = {}
    assert observed.props == {"text": "SEC-7: legal"}
    assert throwaway_kind.NOTES.reads == {ORG: 1}


def test_once_unregistered_the_kind_is_gone_everywhere() -> None:
    with throwaway_kind.registered():
        pass
    assert KIND.name not in KINDS
    assert throwaway_kind.KEY not in dict(org_access.KIND.parts)
    assert throwaway_kind.RULE not in policy_rules.RULES
    assert KIND.column not in columns()
    assert all(d.kind != KIND.name for d in plan(DECLS, SEED))
