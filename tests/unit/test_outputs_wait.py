"""The program's wait for its pending outputs (orgaccess/deploy/outputs_wait.py), on the SDK's own registry."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.runtime import stack
from pulumi.runtime.settings import SETTINGS

from orgaccess.deploy import outputs_wait

OUTPUTS = 200


class Counted(asyncio.Future[Any]):
    """A pending output that counts the callbacks a waiter hangs on it."""

    callbacks = 0

    def add_done_callback(self, fn: Any, *, context: Any = None) -> None:
        Counted.callbacks += 1
        super().add_done_callback(fn, context=context)


@pytest.fixture(autouse=True)
def empty_registry() -> Iterator[None]:
    SETTINGS.outputs.clear()
    Counted.callbacks = 0
    yield
    SETTINGS.outputs.clear()


def _resolve_one_at_a_time(loop: asyncio.AbstractEventLoop, outputs: list[asyncio.Future[Any]]) -> None:
    # As in an `up`: the engine finishes a resource at a time, each a turn of the loop later.
    for turn, output in enumerate(outputs, start=1):
        loop.call_later(turn * 1e-3, output.set_result, turn)


def _pending(loop: asyncio.AbstractEventLoop, count: int) -> list[asyncio.Future[Any]]:
    outputs: list[asyncio.Future[Any]] = [Counted(loop=loop) for _ in range(count)]
    SETTINGS.outputs.update(outputs)
    return outputs


def test_outputs_that_resolve_one_at_a_time_cost_one_callback_each() -> None:
    async def main() -> None:
        outputs = _pending(asyncio.get_running_loop(), OUTPUTS)
        _resolve_one_at_a_time(asyncio.get_running_loop(), outputs)
        await outputs_wait.drain_outputs()
        assert all(o.done() for o in outputs)

    asyncio.run(main())
    # The SDK's own loop hangs a callback on every pending output at each wake-up: 17,367 here (pulumi 3.272).
    assert Counted.callbacks <= OUTPUTS


def test_an_output_created_while_waiting_is_waited_for_too() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        (first,) = _pending(loop, 1)
        later: list[asyncio.Future[Any]] = []

        def resolve_and_start_another() -> None:
            later.extend(_pending(loop, 1))
            first.set_result(None)
            loop.call_later(1e-3, later[0].set_result, None)

        loop.call_soon(resolve_and_start_another)
        await outputs_wait.drain_outputs()
        assert later and later[0].done()

    asyncio.run(main())


def test_a_failed_output_fails_the_wait_with_its_own_error() -> None:
    async def main() -> None:
        (output,) = _pending(asyncio.get_running_loop(), 1)
        output.set_exception(ValueError("the org's apply failed"))
        with pytest.raises(ValueError, match="the org's apply failed"):
            await outputs_wait.drain_outputs()

    asyncio.run(main())


def test_installing_twice_wraps_the_sdks_wait_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stack, "wait_for_rpcs", stack.wait_for_rpcs)
    outputs_wait.install()
    installed = stack.wait_for_rpcs
    outputs_wait.install()
    assert stack.wait_for_rpcs is installed
