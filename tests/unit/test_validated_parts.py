"""access.yaml validated once by the fleet, read in parts by its stacks (orgaccess/deploy/validated.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgaccess.declarations.access_yaml import DeclarationError, load_declarations
from orgaccess.deploy.shard import parse_shard
from orgaccess.deploy.validated import VALIDATED_DIR_ENV, load_part, write_parts
from orgaccess.dialects import SEED
from orgaccess.emulator.fleet_scenario import generate

SHARDS = ["accounts", "orgs:0/4", "orgs:1/4", "orgs:2/4", "orgs:3/4"]
SHARD = "orgs:1/4"


@pytest.fixture
def declarations(tmp_path: Path) -> Path:
    path = tmp_path / "access.yaml"
    path.write_text(generate(40, drift_fraction=0.0).declarations_yaml)
    return path


@pytest.fixture
def parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "validated"
    monkeypatch.setenv(VALIDATED_DIR_ENV, str(directory))
    return directory


def test_a_stack_reads_the_part_the_fleet_wrote_for_its_shard(declarations: Path, parts: Path) -> None:
    write_parts(declarations, SEED, SHARDS, parts)
    whole = load_declarations(declarations, SEED)
    assert load_part(declarations, SEED, SHARD) == parse_shard(SHARD, SEED).narrow(whole)


def test_a_file_changed_since_the_parts_were_written_is_validated_whole(declarations: Path, parts: Path) -> None:
    write_parts(declarations, SEED, SHARDS, parts)
    declarations.write_text(declarations.read_text().replace("homeOrg: org-primary", "homeOrg: org-other"))
    assert load_part(declarations, SEED, SHARD).homeOrg == "org-other"


def test_a_file_changed_into_a_bad_one_is_refused_as_without_parts(declarations: Path, parts: Path) -> None:
    write_parts(declarations, SEED, SHARDS, parts)
    declarations.write_text("homeOrg: [\n")
    with pytest.raises(DeclarationError, match="invalid YAML"):
        load_part(declarations, SEED, SHARD)


def test_without_the_fleets_directory_a_stack_validates_the_whole_file(
    declarations: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(VALIDATED_DIR_ENV, raising=False)
    assert load_part(declarations, SEED, SHARD) == load_declarations(declarations, SEED)


def test_a_bad_file_is_refused_before_any_part_is_written(tmp_path: Path, parts: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("homeOrg: org-primary\norgs: 3\n")
    with pytest.raises(DeclarationError):
        write_parts(bad, SEED, SHARDS, parts)
    assert not list(parts.glob("*"))


def test_the_parts_of_an_earlier_version_of_the_file_are_removed(declarations: Path, parts: Path) -> None:
    write_parts(declarations, SEED, SHARDS, parts)
    declarations.write_text(declarations.read_text() + "\n")
    write_parts(declarations, SEED, SHARDS, parts)
    assert len(list(parts.glob("*.json"))) == len(SHARDS)
