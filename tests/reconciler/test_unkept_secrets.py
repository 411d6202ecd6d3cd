"""A run without the engine's checkpoints (`PULUMI_SKIP_CHECKPOINTS`) makes no secret: a new client's
secret would live only in a state that a killed run never writes. It refuses before any write, saying
so; every other change of an account, which reading the platform again can stand in for, it makes."""

from __future__ import annotations

import pytest

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.client import PlatformClient
from orgaccess.reconciler import reconcile
from orgaccess.reconciler.kinds import service_account
from orgaccess.reconciler.kinds.base import UnkeptSecret
from orgaccess.reconciler.snapshot import Fleet
from tests.reconciler.support import writes

HOME = "org-primary"
ACCOUNT = {
    "homeOrg": HOME,
    "grantType": "client_credentials",
    "scopes": ["recording:view"],
    "orgLock": "PRIMARY_ONLY",
    "description": "",
    "secretRotation": None,
}


def _unkept(client: PlatformClient) -> Fleet:
    return Fleet(client, checkpointed=False)


def test_a_new_client_is_refused_without_a_write_saying_why_and_what_to_run(
    client: PlatformClient, platform: EmulatorHandle
) -> None:
    since = platform.audit_count()

    with pytest.raises(UnkeptSecret) as refused:
        reconcile.create(_unkept(client), service_account.KIND, {**ACCOUNT, "name": "Reporting App"})

    assert writes(platform.audit(since)) == []
    assert "'Reporting App' in org-primary is not created" in str(refused.value)
    assert "without PULUMI_SKIP_CHECKPOINTS" in str(refused.value)


def test_a_new_secret_for_an_existing_client_is_refused_without_a_write(
    client: PlatformClient, platform: EmulatorHandle
) -> None:
    props = {**ACCOUNT, "name": "Premium App", "secretRotation": "2026-12"}
    since = platform.audit_count()

    with pytest.raises(UnkeptSecret, match="is not given a new secret"):
        reconcile.update(_unkept(client), service_account.KIND, {**props, "secretRotation": None}, props)

    assert writes(platform.audit(since)) == []


def test_an_existing_client_is_adopted_and_corrected_without_checkpoints(
    client: PlatformClient, platform: EmulatorHandle
) -> None:
    since = platform.audit_count()

    _, outs = reconcile.create(_unkept(client), service_account.KIND, {**ACCOUNT, "name": "Premium App", "scopes": []})

    assert outs["adopted"] is True
    assert writes(platform.audit(since)) == ["PUT /api/v2/oauth/clients/premium-app"]


def test_with_checkpoints_the_same_client_is_created_with_its_secret(client: PlatformClient) -> None:
    _, outs = reconcile.create(Fleet(client), service_account.KIND, {**ACCOUNT, "name": "Reporting App"})

    assert outs["secret"]
