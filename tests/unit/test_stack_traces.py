"""The stack trace a resource registration carries (orgaccess/deploy/stack_traces.py), from the SDK's own capture."""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from pathlib import Path

import pytest
from pulumi.runtime import resource

from orgaccess.deploy import stack_traces

# A resource's three constructors (Resource, CustomResource, the concrete class), which the SDK skips,
# declared from a function of the entry, which its module's code calls.
ENTRY = """
class Resource:
    def __init__(self):
        self.trace = resource._get_stack_trace()
class CustomResource(Resource):
    def __init__(self):
        super().__init__()
class OrgAccess(CustomResource):
    def __init__(self):
        super().__init__()
def declare():
    return OrgAccess()
trace = declare().trace
"""


@pytest.fixture(autouse=True)
def sdk_capture() -> Iterator[None]:
    original = resource._get_stack_trace
    yield
    resource._get_stack_trace = original


def _files(trace: object) -> list[str]:
    return [Path(frame.pc.uri).name for frame in trace.frames]  # type: ignore[attr-defined]


def _declared_from(entry: Path) -> object:
    entry.write_text(ENTRY)
    return runpy.run_path(str(entry), init_globals={"resource": resource})["trace"]


def test_the_trace_ends_at_the_program_entry(tmp_path: Path) -> None:
    entry = tmp_path / "__main__.py"
    assert len(_files(_declared_from(entry))) > 2  # the SDK's capture goes on into runpy's and pytest's frames
    stack_traces.install(entry)
    assert _files(_declared_from(entry)) == ["__main__.py", "__main__.py"]


def test_the_trace_names_the_frames_and_lines_the_sdks_own_capture_names(tmp_path: Path) -> None:
    entry = tmp_path / "__main__.py"
    whole = _declared_from(entry).frames  # type: ignore[attr-defined]
    stack_traces.install(entry)
    trimmed = _declared_from(entry).frames  # type: ignore[attr-defined]
    assert list(trimmed) == list(whole[: len(trimmed)])


def test_a_trace_without_the_entry_is_kept_whole(tmp_path: Path) -> None:
    entry = tmp_path / "__main__.py"
    whole = _files(_declared_from(tmp_path / "other.py"))
    stack_traces.install(entry)
    assert _files(_declared_from(tmp_path / "other.py")) == whole


def test_installing_twice_trims_once(tmp_path: Path) -> None:
    stack_traces.install(tmp_path / "__main__.py")
    installed = resource._get_stack_trace
    stack_traces.install(tmp_path / "__main__.py")
    assert resource._get_stack_trace is installed
