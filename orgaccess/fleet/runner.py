"""Run one operation over every stack of a fleet: the accounts stack first, then the org stacks.

The org stacks run concurrently, at most `jobs` at a time; a stack that fails is reported and
never stops the others. Any subset of the stacks can run (one per CI job, say). The backend's
own lock serialises two runners on one stack: the DIY backends refuse the second `up` at once,
naming who holds the lock, so a runner given a lock timeout tries again until it passes.
"""

from __future__ import annotations

import enum
import functools
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pulumi import automation as auto

from orgaccess.fleet.layout import StackSpec
from orgaccess.fleet.workspace import Backend, environment, open_stack
from orgaccess.settings import Settings

T = TypeVar("T")
ERROR_LINES = 3
# How the DIY backends refuse a stack another process holds (pulumi/pkg/backend/diy).
LOCKED = "the stack is currently locked"
LOCK_POLL_SECONDS = 2.0


class Operation(enum.Enum):
    PREVIEW = "preview"
    UP = "up"


@dataclass(frozen=True)
class Outcome:
    """What one stack did: its changes by operation (`update: 3`), or why it failed."""

    stack: StackSpec
    changes: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    log: Path | None = None

    @property
    def changed(self) -> int:
        return sum(n for op, n in self.changes.items() if op != "same")


def run_fleet(
    operation: Operation,
    specs: list[StackSpec],
    *,
    declarations: Path,
    backend: Backend,
    settings: Settings,
    jobs: int,
    lock_timeout: float = 0.0,
    done: Callable[[Outcome], None] = lambda _outcome: None,
) -> list[Outcome]:
    """Every stack's outcome, in the order of `specs` (the accounts stack, when there, first)."""
    run = stack_runner(
        operation, declarations=declarations, backend=backend, settings=settings, lock_timeout=lock_timeout
    )

    def one(spec: StackSpec) -> Outcome:
        outcome = run(spec)
        done(outcome)
        return outcome

    accounts = [spec for spec in specs if spec.is_accounts]
    org_stacks = [spec for spec in specs if not spec.is_accounts]
    # Alone first: on `up` it creates the accounts that the bindings look up.
    first = [one(spec) for spec in accounts]
    if operation is Operation.UP and any(o.error is not None for o in first):
        skipped = "skipped: the accounts stack failed, so its accounts may be missing or stale"
        return [*first, *(Outcome(spec, error=skipped) for spec in org_stacks)]
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="fleet") as pool:
        return [*first, *pool.map(one, org_stacks)]


def stack_runner(
    operation: Operation, *, declarations: Path, backend: Backend, settings: Settings, lock_timeout: float = 0.0
) -> Callable[[StackSpec], Outcome]:
    """Runs `operation` on one stack at a time, as one runner of the fleet (thread-safe)."""
    env = environment(backend, settings)
    return functools.partial(
        run_stack,
        operation,
        declarations=declarations,
        backend=backend,
        settings=settings,
        env=env,
        lock_timeout=lock_timeout,
    )


def run_stack(
    operation: Operation,
    spec: StackSpec,
    *,
    declarations: Path,
    backend: Backend,
    settings: Settings,
    env: dict[str, str],
    lock_timeout: float = 0.0,
) -> Outcome:
    """One stack's operation; refused by another runner's lock, tried again for up to `lock_timeout` seconds."""
    log = backend.work_dir / spec.name / f"{operation.value}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        with log.open("w", encoding="utf-8") as sink:
            stack = open_stack(spec, declarations, backend, settings, env)
            output = functools.partial(print, file=sink, flush=True)
            changes = while_locked(lambda: _apply(operation, stack, output), timeout=lock_timeout, note=output)
    except auto.CommandError as exc:
        return Outcome(spec, seconds=time.monotonic() - started, error=_first_errors(str(exc)), log=log)
    except Exception as exc:  # anything else that breaks one stack is still only that stack's result
        return Outcome(spec, seconds=time.monotonic() - started, error=f"{type(exc).__name__}: {exc}", log=log)
    return Outcome(spec, changes, time.monotonic() - started, log=log)


def while_locked(
    attempt: Callable[[], T],
    *,
    timeout: float,
    note: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """`attempt()`, tried again while another runner holds the stack's lock, for up to `timeout` seconds."""
    deadline = clock() + timeout
    while True:
        try:
            return attempt()
        except auto.CommandError as exc:
            left = deadline - clock()
            if LOCKED not in str(exc) or left <= 0:
                raise
            note(f"orgaccess: the stack is locked by another runner; trying again for up to {left:.0f}s")
            sleep(min(LOCK_POLL_SECONDS, left))


def _apply(operation: Operation, stack: auto.Stack, output: Callable[[str], None]) -> dict[str, int]:
    if operation is Operation.PREVIEW:
        return _counts(stack.preview(diff=True, on_output=output, on_error=output).change_summary)
    # One org's contract-managed license must not stop the other orgs of the stack converging.
    result = stack.up(diff=True, continue_on_error=True, on_output=output, on_error=output)
    return _counts(result.summary.resource_changes or {})


def _counts(summary: Mapping[auto.OpType, int]) -> dict[str, int]:
    # The SDK types the keys as OpType but passes the engine's JSON strings; OpType() takes both.
    return {auto.OpType(op).value: n for op, n in summary.items()}


def _first_errors(text: str) -> str:
    """The engine's error lines, which name the cause; the full output is in the stack's log.

    An error that introduces a traceback (`...unhandled exception:`) is followed by its last
    line, the exception itself.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = list(dict.fromkeys(line.removeprefix("stderr: ") for line in lines if "error:" in line[:20]))
    if not errors:
        return lines[-1] if lines else "failed"
    if errors[0].endswith(":"):
        errors = [f"{errors[0]} {lines[-1]}"]
    return "\n".join(errors[:ERROR_LINES])
