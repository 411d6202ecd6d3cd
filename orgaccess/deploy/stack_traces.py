"""The stack trace each resource registration carries: the program's frames, not the runtime's.

The Python SDK sends the whole Python stack of every resource's constructor, and the engine keeps
it in the resource's state: below the program's entry (`__main__.py`) lie the language host's,
the SDK's and asyncio's frames, 11 of an `OrgAccess` resource's 15 frames and about a fifth of
its bytes in a checkpoint that an `up` rewrites after every step. The frames down to the program's
entry are kept, so the engine still names where in the program a resource was declared.

The frames are those the SDK's own capture names, found by walking them: the SDK's capture
(`traceback.extract_stack`) reads every frame's source line too, which nothing sends, and took a
tenth of the program's CPU in a preview of 625 orgs on genesys-cloud (py-spy).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from pulumi.runtime import resource
from pulumi.runtime.proto import source_pb2

Trace = Callable[[], source_pb2.StackTrace]

# The constructors the SDK leaves out of a trace: Resource's, CustomResource's and the concrete class's.
CONSTRUCTORS = 3


def install(entry: Path) -> None:
    """Trims every later resource registration's stack trace to its frames down to `entry` (idempotent)."""
    if getattr(resource._get_stack_trace, "_orgaccess", False):
        return
    resource._get_stack_trace = _program_trace(entry.absolute().as_uri())


def _program_trace(entry_uri: str) -> Trace:
    def get_stack_trace() -> source_pb2.StackTrace:
        frames = [(_uri(file), line) for file, line in _declaring(sys._getframe(1))]
        # The deepest frame in the entry: a function of __main__.py is called from its module's frame.
        depth = max((i for i, (uri, _) in enumerate(frames) if uri == entry_uri), default=len(frames) - 1)
        return source_pb2.StackTrace(frames=[_frame(uri, line) for uri, line in frames[: depth + 1]])

    get_stack_trace._orgaccess = True  # type: ignore[attr-defined]
    return get_stack_trace


def _declaring(frame: FrameType | None) -> list[tuple[str, int | None]]:
    """(file, line) of each frame that called the resource's constructors, innermost first, as the SDK's
    capture names them; none when there are not that many constructors on the stack."""
    constructors = 0
    while frame is not None and constructors < CONSTRUCTORS:
        constructors += frame.f_code.co_name == "__init__"
        frame = frame.f_back
    found: list[tuple[str, int | None]] = []
    while frame is not None:
        found.append((frame.f_code.co_filename, frame.f_lineno))
        frame = frame.f_back
    return found


@functools.cache
def _uri(file: str) -> str | None:
    try:
        return Path(file).as_uri() if file else None
    except ValueError:  # a relative name (`<string>`) has no URI; the SDK sends no position for it either
        return None


def _frame(uri: str | None, line: int | None) -> source_pb2.StackFrame:
    if uri is None or line is None:
        return source_pb2.StackFrame()
    return source_pb2.StackFrame(pc=source_pb2.SourcePosition(uri=uri, line=line))
