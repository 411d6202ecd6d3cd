"""The program's wait for its outstanding outputs, in time linear in their number.

After the program has registered its resources, the Python SDK waits for their RPCs, then for
every output still pending (`pulumi.runtime.stack.wait_for_rpcs`). Since pulumi/pulumi#22411 that
second wait is `asyncio.wait(pending, FIRST_COMPLETED)` in a loop: each wake-up adds and removes a
callback on every pending output, and in an `up` the outputs resolve a resource at a time, as the
engine finishes it. Every resource has several outputs, so the program's CPU grows with the square
of its resources: 81% of the program's CPU in an `up` of 500 orgs (py-spy), most of the program's
share of a fleet's `up` (docs/fleet.md, *Where a stack's CPU goes*).

Awaiting each pending output in turn waits for the same set: an output still pending is awaited
until it resolves, one that failed raises here as it does in the SDK's loop, and outputs created
meanwhile are picked up by the next sweep. The RPC half stays the SDK's own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from pulumi.runtime import stack
from pulumi.runtime.settings import SETTINGS, _get_rpc_manager

Wait = Callable[..., Coroutine[Any, Any, None]]


def install() -> None:
    """Makes this process's program wait for its outputs in linear time (idempotent)."""
    if getattr(stack.wait_for_rpcs, "_orgaccess", False):
        return
    stack.wait_for_rpcs = _linear(stack.wait_for_rpcs)


def _linear(sdk_wait: Wait) -> Wait:
    async def wait_for_rpcs(await_all_outstanding_tasks: bool = True) -> None:
        while True:
            await sdk_wait(await_all_outstanding_tasks=False)
            if await_all_outstanding_tasks:
                await drain_outputs()
            # Outputs may have started RPCs of their own (an apply that registers a resource).
            if not _get_rpc_manager().rpcs:
                return

    wait_for_rpcs._orgaccess = True  # type: ignore[attr-defined]
    return wait_for_rpcs


async def drain_outputs() -> None:
    """Awaits every output pending in the SDK's registry, and those they start, until none is left."""
    while True:
        with SETTINGS.lock:
            pending: list[asyncio.Future[object]] = list(SETTINGS.outputs)
            SETTINGS.outputs.clear()
        if not pending:
            return
        for output in pending:
            await output
