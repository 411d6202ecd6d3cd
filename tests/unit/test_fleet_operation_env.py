"""What each fleet operation's engine sees: intermediate checkpoints are skipped in a preview, which
discards them, and in an `up` of a stack whose state keeps no secret, which the platform can stand in
for; an `up` of a stack that keeps a secret it made keeps every one (its state after a crash depends on them)."""

from __future__ import annotations

import pytest

from orgaccess.deploy.shard import Shard, parse_shard
from orgaccess.dialects import GENESYS_CLOUD, SEED
from orgaccess.fleet.runner import Operation, operation_env

FLEET_ENV = {"PULUMI_BACKEND_URL": "file:///state", "PULUMI_CONFIG_PASSPHRASE": "p"}
SKIPPED = {**FLEET_ENV, "PULUMI_SKIP_CHECKPOINTS": "true"}
SEED_ORGS = parse_shard("orgs:0/4", SEED)
SEED_ACCOUNTS = parse_shard("accounts", SEED)
GENESYS_ORGS = parse_shard("orgs:0/4", GENESYS_CLOUD)


@pytest.mark.parametrize("shard", [SEED_ORGS, SEED_ACCOUNTS, GENESYS_ORGS], ids=["seed-orgs", "accounts", "genesys"])
def test_a_fleet_preview_skips_the_checkpoints_it_would_discard(shard: Shard) -> None:
    assert operation_env(Operation.PREVIEW, FLEET_ENV, shard) == SKIPPED


def test_an_up_of_an_org_stack_of_roles_grants_and_licenses_skips_them() -> None:
    assert operation_env(Operation.UP, FLEET_ENV, SEED_ORGS) == SKIPPED


def test_an_up_of_the_accounts_stack_keeps_every_checkpoint_for_the_secrets_it_makes() -> None:
    assert operation_env(Operation.UP, FLEET_ENV, SEED_ACCOUNTS) == FLEET_ENV


def test_an_up_of_a_genesys_cloud_org_stack_keeps_every_checkpoint_for_its_clients_secrets() -> None:
    assert operation_env(Operation.UP, FLEET_ENV, GENESYS_ORGS) == FLEET_ENV
