"""Where a fleet's accounts live when each org has its own clients of them (genesys-cloud): in the
stack of their org, beside the org's roles and bindings, and no accounts stack."""

from __future__ import annotations

import pytest

from orgaccess.declarations.access_yaml import Declarations, parse_declarations
from orgaccess.deploy.shard import ShardError, parse_shard
from orgaccess.dialects import GENESYS_CLOUD, SEED
from orgaccess.emulator.api import Api
from orgaccess.emulator.fleet_scenario import generate
from orgaccess.fleet.layout import fleet_stacks, select_stacks
from orgaccess.plan.desired import Desired, per_org, plan
from orgaccess.reconciler.kinds import org_access, service_account

PARTS = 4
ACCOUNT = service_account.KIND.name
ORG_ACCESS = org_access.KIND


@pytest.fixture(scope="module")
def decls() -> Declarations:
    return parse_declarations(generate(40, drift_fraction=0.0, api=Api.GENESYS_CLOUD).declarations_yaml, GENESYS_CLOUD)


def _shards(decls: Declarations) -> list[list[Desired]]:
    return [parse_shard(f"orgs:{i}/{PARTS}", GENESYS_CLOUD).select(plan(decls, GENESYS_CLOUD)) for i in range(PARTS)]


def test_an_org_stack_holds_the_account_clients_of_its_own_orgs(decls: Declarations) -> None:
    for i, selected in enumerate(_shards(decls)):
        shard = parse_shard(f"orgs:{i}/{PARTS}", GENESYS_CLOUD)
        accounts = [d for d in selected if d.kind == ACCOUNT]
        assert accounts
        assert all(shard.holds_org(d.org) for d in accounts)


def test_every_account_client_is_in_exactly_one_org_stack(decls: Declarations) -> None:
    planned = sorted(d.key for d in plan(decls, GENESYS_CLOUD) if d.kind == ACCOUNT)

    held = sorted(d.key for selected in _shards(decls) for d in selected if d.kind == ACCOUNT)

    assert held == planned


def test_an_orgs_clients_are_parts_of_its_own_resource(decls: Declarations) -> None:
    for selected in _shards(decls):
        resources = per_org(selected, GENESYS_CLOUD)
        clients = {(d.org, d.props["name"]) for d in selected if d.kind == ACCOUNT}

        held = {
            (r.org, p["name"]) for r in resources for kind, p in ORG_ACCESS.objects(r.props) if kind.name == ACCOUNT
        }

        assert [d.kind for d in resources] == [ORG_ACCESS.name] * len(resources)
        assert held == clients
        assert not any(d.depends_on for d in resources)


def test_the_home_orgs_clients_are_in_the_stack_that_holds_the_home_org(decls: Declarations) -> None:
    holder = next(s for s in fleet_stacks(decls, PARTS, GENESYS_CLOUD) if decls.homeOrg in s.orgs)
    shard = parse_shard(holder.shard, GENESYS_CLOUD)

    home_clients = [d for d in shard.select(plan(decls, GENESYS_CLOUD)) if d.kind == ACCOUNT and d.org == decls.homeOrg]

    assert len(home_clients) == len(decls.serviceAccounts)


def test_a_fleet_whose_accounts_live_per_org_has_no_accounts_stack(decls: Declarations) -> None:
    names = [s.name for s in fleet_stacks(decls, PARTS, GENESYS_CLOUD)]

    assert names == [f"orgs-{i}-of-{PARTS}" for i in range(PARTS)]


def test_a_fleet_whose_accounts_live_in_the_home_org_keeps_its_accounts_stack_first(decls: Declarations) -> None:
    assert fleet_stacks(decls, PARTS, SEED)[0].name == "accounts"


def test_the_accounts_shard_is_refused_where_accounts_live_per_org_before_it_could_delete_them() -> None:
    with pytest.raises(ShardError, match=r"on genesys-cloud each account lives in the org stack of the org"):
        parse_shard("accounts", GENESYS_CLOUD)


def test_only_accounts_on_such_a_fleet_says_where_the_accounts_are(decls: Declarations) -> None:
    with pytest.raises(ValueError, match=r"no stack 'accounts' in this fleet; .*each org's accounts are in its org"):
        select_stacks(fleet_stacks(decls, PARTS, GENESYS_CLOUD), ["accounts"])
