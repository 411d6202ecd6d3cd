"""The real Pulumi engine runs a Python dynamic provider end to end (no mocks)."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import pytest

from orgaccess.engine.automation import Stack

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "smoke_program"
# The provider (bench/enginecheck.py) is not installed: the engine's processes find it here.
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def note_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("live") / "note.txt"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, note_file: Path) -> Stack:
    # A copy: `pulumi config set` writes Pulumi.<stack>.yaml beside Pulumi.yaml.
    program = tmp_path_factory.mktemp("program")
    for name in ("Pulumi.yaml", "__main__.py"):
        text = (PROGRAM / name).read_text().replace("../../../.venv", sys.prefix)
        (program / name).write_text(text)
    stack = Stack(program, tmp_path_factory.mktemp("backend"), extra_env={"PYTHONPATH": str(REPO)}).init()
    stack.set_config("path", str(note_file))
    stack.set_config("text", "declared")
    return stack


# The steps below build on each other, in file order, as an operator's session does.


def test_preview_shows_a_create(stack: Stack) -> None:
    result = stack.preview()
    assert result.returncode == 0, result.output
    assert [(s.type, s.op) for s in result.steps if s.changes][-1] == (
        "pulumi-python:dynamic/orgaccess:FileNote",
        "create",
    )


def test_up_creates_the_file(stack: Stack, note_file: Path) -> None:
    stack.up().check()
    assert note_file.read_text() == "declared"


def test_preview_expecting_no_changes_passes_when_converged(stack: Stack) -> None:
    stack.preview(expect_no_changes=True).check()


def test_out_of_band_change_fails_expect_no_changes_with_the_change_shown(stack: Stack, note_file: Path) -> None:
    note_file.write_text("edited by hand")
    result = stack.preview(expect_no_changes=True)
    assert result.returncode != 0
    (step,) = [s for s in result.steps if s.changes]
    assert (step.type, step.op) == ("pulumi-python:dynamic/orgaccess:FileNote", "update")


def test_up_fixes_the_drift(stack: Stack, note_file: Path) -> None:
    stack.up().check()
    assert note_file.read_text() == "declared"
    stack.preview(expect_no_changes=True).check()


def test_refresh_reads_the_live_file(stack: Stack, note_file: Path) -> None:
    note_file.write_text("changed again")
    stack.refresh().check()
    (note,) = [r for r in stack.export()["deployment"]["resources"] if r["type"].endswith("FileNote")]
    assert note["outputs"]["text"] == "changed again"


def test_pickled_provider_refers_to_the_package_instead_of_carrying_it(stack: Stack) -> None:
    (note,) = [r for r in stack.export(show_secrets=True)["deployment"]["resources"] if r["type"].endswith("FileNote")]
    provider = note["inputs"]["__provider"]
    pickled = base64.b64decode(provider["plaintext"] if isinstance(provider, dict) else provider)
    assert b"bench.enginecheck" in pickled
    assert b"FileNoteProvider" in pickled
    # By reference, the pickle is a class name and an empty instance dict: no code objects.
    assert len(pickled) < 200, len(pickled)
    assert b"write_text" not in pickled


def test_destroy_removes_the_file(stack: Stack, note_file: Path) -> None:
    stack.destroy().check()
    assert not note_file.exists()
    assert stack.outputs() == {}
