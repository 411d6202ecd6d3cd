"""Which objects each stack of a fleet manages: stack config `orgaccess:shard`."""

from __future__ import annotations

import pytest

from orgaccess.declarations.access_yaml import Declarations, fleet_org_ids, parse_declarations
from orgaccess.deploy.shard import WHOLE, ShardError, parse_shard
from orgaccess.dialects import GENESYS_CLOUD, SEED, Definition
from orgaccess.emulator.api import Api
from orgaccess.emulator.fleet_scenario import generate
from orgaccess.fleet.layout import fleet_stacks
from orgaccess.plan.desired import plan

PARTS = 8


@pytest.fixture(scope="module")
def decls() -> Declarations:
    return parse_declarations(generate(60, drift_fraction=0.0).declarations_yaml, SEED)


def test_an_unsharded_stack_manages_everything_exactly_as_before(decls: Declarations) -> None:
    assert parse_shard(None, SEED) == parse_shard("", SEED) == WHOLE
    assert WHOLE.select(plan(decls, SEED)) == plan(decls, SEED)


def test_the_accounts_shard_manages_the_service_accounts_and_nothing_else(decls: Declarations) -> None:
    selected = parse_shard("accounts", SEED).select(plan(decls, SEED))
    assert {d.kind for d in selected} == {"ServiceAccount"}
    assert len(selected) == len(decls.serviceAccounts)


def test_org_shards_split_every_org_object_into_exactly_one_stack(decls: Declarations) -> None:
    org_objects = [d.key for d in plan(decls, SEED) if d.kind != "ServiceAccount"]
    shards = [parse_shard(f"orgs:{i}/{PARTS}", SEED).select(plan(decls, SEED)) for i in range(PARTS)]
    assert sorted(d.key for shard in shards for d in shard) == sorted(org_objects)


def test_a_binding_in_an_org_shard_keeps_its_roles_as_dependencies_but_not_the_account(
    decls: Declarations,
) -> None:
    bindings = [d for i in range(PARTS) for d in parse_shard(f"orgs:{i}/{PARTS}", SEED).select(plan(decls, SEED))]
    bindings = [d for d in bindings if d.kind == "RoleBinding"]
    assert bindings
    assert all(kind == "Role" for d in bindings for kind, _ in d.depends_on)
    assert all(d.depends_on for d in bindings)


@pytest.mark.parametrize(
    ("dialect", "shard"),
    [
        *((SEED, shard) for shard in ("accounts", "orgs:0/8", "orgs:5/8", "")),
        # No accounts stack there: each org's accounts are in its org's stack.
        *((GENESYS_CLOUD, shard) for shard in ("orgs:0/8", "orgs:5/8", "")),
    ],
    ids=lambda value: getattr(value, "name", value) or "whole",
)
def test_a_shard_plans_from_its_narrowed_declarations_what_it_selects_from_the_whole_plan(
    dialect: Definition, shard: str
) -> None:
    decls = parse_declarations(generate(60, drift_fraction=0.0, api=Api(dialect.name)).declarations_yaml, dialect)
    chosen = parse_shard(shard, dialect)
    assert chosen.select(plan(chosen.narrow(decls), dialect)) == chosen.select(plan(decls, dialect))


def test_an_org_shard_plans_only_the_orgs_it_holds(decls: Declarations) -> None:
    shard = parse_shard(f"orgs:1/{PARTS}", SEED)
    narrowed = shard.narrow(decls)
    assert [o.id for o in narrowed.orgs] == [o.id for o in decls.orgs if shard.holds_org(o.id)]
    assert (narrowed.homeOrg, narrowed.serviceAccounts, narrowed.roles) == (
        decls.homeOrg,
        decls.serviceAccounts,
        decls.roles,
    )


def test_adding_orgs_never_moves_an_org_to_another_stack(decls: Declarations) -> None:
    bigger = parse_declarations(generate(120, drift_fraction=0.0).declarations_yaml, SEED)
    before = {org: _stack_of(decls, org) for org in fleet_org_ids(decls)}
    assert before == {org: _stack_of(bigger, org) for org in before}


def test_the_fleet_runs_the_accounts_stack_first_then_one_stack_per_part(decls: Declarations) -> None:
    specs = fleet_stacks(decls, 3, SEED)
    assert [(s.name, s.shard) for s in specs] == [
        ("accounts", "accounts"),
        ("orgs-0-of-3", "orgs:0/3"),
        ("orgs-1-of-3", "orgs:1/3"),
        ("orgs-2-of-3", "orgs:2/3"),
    ]
    assert sorted(org for s in specs for org in s.orgs) == sorted(fleet_org_ids(decls))


@pytest.mark.parametrize("value", ["orgs", "orgs:8/8", "orgs:1/0", "orgs:-1/4", "org:1/4", "Accounts", "orgs:1/4 "])
def test_a_malformed_shard_is_refused_with_the_forms_that_work(value: str) -> None:
    with pytest.raises(ShardError, match=r"'accounts' or 'orgs:<i>/<n>' with 0 <= i < n"):
        parse_shard(value, SEED)


def _stack_of(decls: Declarations, org: str) -> str:
    return next(s.name for s in fleet_stacks(decls, PARTS, SEED) if org in s.orgs)
