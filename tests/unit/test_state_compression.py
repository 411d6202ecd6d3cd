"""Which engine variables orgaccess adds for a state backend: zstd on PostgreSQL, the operator's choice kept."""

from __future__ import annotations

from orgaccess.engine import state_compression

POSTGRES = "postgres://orgaccess:pw@127.0.0.1:5432/orgaccess?sslmode=disable"


def test_on_postgresql_the_checkpoint_is_zstd_compressed() -> None:
    assert state_compression(POSTGRES, {}) == {"PULUMI_DIY_BACKEND_ZSTD": "true"}


def test_on_the_file_backend_nothing_is_added() -> None:
    assert state_compression("file:///var/state", {}) == {}


def test_a_compression_the_operator_chose_is_kept() -> None:
    assert state_compression(POSTGRES, {"PULUMI_DIY_BACKEND_ZSTD": "false"}) == {}
    assert state_compression(POSTGRES, {"PULUMI_DIY_BACKEND_GZIP": "true"}) == {}
