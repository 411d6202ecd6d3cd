"""Which engine variables orgaccess adds for a state backend: zstd on PostgreSQL, the operator's choice kept."""

from __future__ import annotations

from pathlib import Path

from orgaccess.deploy.backend import compression_advice, state_compression

POSTGRES = "postgres://orgaccess:pw@127.0.0.1:5432/orgaccess?sslmode=disable"


def test_on_postgresql_the_checkpoint_is_zstd_compressed() -> None:
    assert state_compression(POSTGRES, {}) == {"PULUMI_DIY_BACKEND_ZSTD": "true"}


def test_on_the_file_backend_nothing_is_added() -> None:
    assert state_compression("file:///var/state", {}) == {}


def test_a_compression_the_operator_chose_is_kept() -> None:
    assert state_compression(POSTGRES, {"PULUMI_DIY_BACKEND_ZSTD": "false"}) == {}
    assert state_compression(POSTGRES, {"PULUMI_DIY_BACKEND_GZIP": "true"}) == {}


def test_a_plain_pulumi_run_on_uncompressed_postgresql_is_told_what_to_set(tmp_path: Path) -> None:
    advice = compression_advice(tmp_path, {"PULUMI_BACKEND_URL": POSTGRES})
    assert advice is not None and "PULUMI_DIY_BACKEND_ZSTD=true" in advice


def test_nothing_is_advised_on_the_file_backend_or_once_compression_is_chosen(tmp_path: Path) -> None:
    assert compression_advice(tmp_path, {"PULUMI_BACKEND_URL": "file:///var/state"}) is None
    assert compression_advice(tmp_path, {"PULUMI_BACKEND_URL": POSTGRES, "PULUMI_DIY_BACKEND_ZSTD": "true"}) is None
