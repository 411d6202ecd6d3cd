"""The stack trace each resource registration carries: the program's frames, not the runtime's.

The Python SDK sends the whole Python stack of every resource's constructor, and the engine keeps
it in the resource's state: below the program's entry (`__main__.py`) lie the language host's,
the SDK's and asyncio's frames, 11 of an `OrgAccess` resource's 15 frames and about a fifth of
its bytes in a checkpoint that an `up` rewrites after every step. The frames down to the program's
entry are kept, so the engine still names where in the program a resource was declared.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pulumi.runtime import resource
from pulumi.runtime.proto import source_pb2

Trace = Callable[[], source_pb2.StackTrace]


def install(entry: Path) -> None:
    """Trims every later resource registration's stack trace to its frames down to `entry` (idempotent)."""
    if getattr(resource._get_stack_trace, "_orgaccess", False):
        return
    resource._get_stack_trace = _trimmed(resource._get_stack_trace, entry.absolute().as_uri())


def _trimmed(sdk_trace: Trace, entry_uri: str) -> Trace:
    def get_stack_trace() -> source_pb2.StackTrace:
        trace = sdk_trace()
        # The deepest frame in the entry: a function of __main__.py is called from its module's frame.
        depth = max((i for i, frame in enumerate(trace.frames) if frame.pc.uri == entry_uri), default=None)
        if depth is None:
            return trace
        return source_pb2.StackTrace(frames=trace.frames[: depth + 1])

    get_stack_trace._orgaccess = True  # type: ignore[attr-defined]
    return get_stack_trace
