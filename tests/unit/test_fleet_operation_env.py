"""What each fleet operation's engine sees: a preview skips the checkpoints it would discard, an
`up` keeps every one (its state after a crash depends on them)."""

from __future__ import annotations

from orgaccess.fleet.runner import Operation, operation_env

FLEET_ENV = {"PULUMI_BACKEND_URL": "file:///state", "PULUMI_CONFIG_PASSPHRASE": "p"}


def test_a_fleet_preview_skips_the_checkpoints_it_would_discard() -> None:
    assert operation_env(Operation.PREVIEW, FLEET_ENV) == {**FLEET_ENV, "PULUMI_SKIP_CHECKPOINTS": "true"}


def test_a_fleet_up_keeps_every_checkpoint() -> None:
    assert operation_env(Operation.UP, FLEET_ENV) == FLEET_ENV
