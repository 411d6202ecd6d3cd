"""The split of a fleet when `--stacks` is not given: the fleet's own on the backend, else one
org stack per ORGS_PER_STACK orgs, at most MAX_STACKS, whatever the dialect; said on stderr, so a CI
log shows what was chosen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgaccess.cli.main import app
from orgaccess.emulator.fleet_scenario import generate
from orgaccess.fleet import sizing


def _backend(tmp_path: Path, *stacks: str) -> str:
    folder = tmp_path / "backend" / ".pulumi" / "stacks" / "orgaccess"
    folder.mkdir(parents=True)
    for name in stacks:
        (folder / name).write_text("{}")
    return f"file://{tmp_path / 'backend'}"


@pytest.mark.parametrize(("orgs", "stacks"), [(1, 1), (150, 1), (151, 2), (1000, 7), (1200, 8), (5000, 8), (20000, 16)])
def test_a_new_fleet_gets_one_per_150_orgs_up_to_8_then_at_most_1250_orgs_a_stack(orgs: int, stacks: int) -> None:
    assert sizing.choose(orgs, None).stacks == stacks


def test_a_fleet_on_the_backend_keeps_its_split_however_many_orgs_it_has_now(tmp_path: Path) -> None:
    url = _backend(tmp_path, "accounts.json", "orgs-0-of-8.json", "orgs-7-of-8.json.zst")
    split = sizing.choose(5000, url)
    assert split.stacks == 8 and "on the backend" in split.why


def test_a_backend_holding_two_splits_asks_which_to_run(tmp_path: Path) -> None:
    url = _backend(tmp_path, "orgs-0-of-8.json", "orgs-0-of-16.json")
    with pytest.raises(sizing.SplitError, match="fleets of 8, 16 stacks; pass --stacks"):
        sizing.choose(5000, url)


def test_a_backend_orgaccess_cannot_read_sizes_the_fleet_from_its_orgs() -> None:
    assert sizing.choose(300, "https://api.pulumi.com").stacks == 2


def test_fleet_stacks_says_the_split_it_chose_on_stderr(tmp_path: Path) -> None:
    declarations = tmp_path / "access.yaml"
    declarations.write_text(generate(400, seed=0).declarations_yaml)
    argv = ["fleet", "stacks", "-d", str(declarations), "--format", "json", "--backend-url", _backend(tmp_path)]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == ["accounts", "orgs-0-of-3", "orgs-1-of-3", "orgs-2-of-3"]
    said = "orgaccess fleet: 3 org stacks of about 134 orgs, sized for 400 orgs (--stacks N to choose)\n"
    assert result.stderr == said
