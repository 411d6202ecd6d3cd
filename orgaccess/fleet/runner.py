"""Run one operation over every stack of a fleet: the accounts stack first (where the fleet has one),
then the org stacks.

The org stacks run concurrently, `jobs` at a time and a few more while the machine sits idle
(admission.py); a stack that fails is reported and
never stops the others. Any subset of the stacks can run (one per CI job, say). The backend's
own lock serialises two runners on one stack: the DIY backends refuse the second `up` at once,
naming who holds the lock, so a runner given a lock timeout tries again until it passes.
"""

from __future__ import annotations

import enum
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pulumi import automation as auto

from orgaccess import dialects
from orgaccess.deploy import validated
from orgaccess.engine import clients_upgrade
from orgaccess.engine.result import Result, run_operation
from orgaccess.fleet.admission import Jobs, run_admitted
from orgaccess.fleet.layout import StackSpec
from orgaccess.fleet.workspace import Backend, environment, open_stack, validated_dir
from orgaccess.platform.settings import Settings
from orgaccess.reconciler import checkpoints
from orgaccess.reconciler.kinds.base import UnkeptSecret
from providers import upgrade_clients

ERROR_LINES = 3
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
    jobs: Jobs,
    lock_timeout: float = 0.0,
    done: Callable[[Outcome], None] = lambda _outcome: None,
) -> list[Outcome]:
    """Every stack's outcome, in the order of `specs` (the accounts stack, when there, first);
    as many at once as `jobs` says (admission.py)."""
    validated.write_parts(declarations, dialects.of(settings), [spec.shard for spec in specs], validated_dir(backend))
    run = stack_runner(
        operation, declarations=declarations, backend=backend, settings=settings, lock_timeout=lock_timeout
    )

    def one(spec: StackSpec) -> Outcome:
        outcome = run(spec)
        done(outcome)
        return outcome

    return in_fleet_order(operation, specs, one, jobs)


def in_fleet_order(
    operation: Operation, specs: list[StackSpec], one: Callable[[StackSpec], Outcome], jobs: Jobs
) -> list[Outcome]:
    """`one(spec)` of every stack, as many at once as `jobs` says; an `up`'s accounts stack alone first."""
    accounts = [spec for spec in specs if spec.is_accounts]
    org_stacks = [spec for spec in specs if not spec.is_accounts]
    first: list[Outcome] = []
    if operation is Operation.UP:
        # Alone first: it creates the accounts that the bindings look up. A preview changes
        # nothing, so there it is one more stack of the pool (the first to start).
        first = [one(spec) for spec in accounts]
        if any(o.error is not None for o in first):
            skipped = "skipped: the accounts stack failed, so its accounts may be missing or stale"
            return [*first, *(Outcome(spec, error=skipped) for spec in org_stacks)]
        accounts = []
    return [*first, *run_admitted([*accounts, *org_stacks], one, jobs)]


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
            stack = open_stack(spec, declarations, backend, settings, {**env, **checkpoints.SKIPPED})
            output = functools.partial(print, file=sink, flush=True)
            result = while_locked(lambda: _apply(operation, stack, output), timeout=lock_timeout, note=output)
    except auto.CommandError as exc:  # opening the stack (select, config) failed
        return Outcome(spec, seconds=time.monotonic() - started, error=_last_lines(str(exc)), log=log)
    except Exception as exc:  # anything else that breaks one stack is still only that stack's result
        return Outcome(spec, seconds=time.monotonic() - started, error=f"{type(exc).__name__}: {exc}", log=log)
    seconds = time.monotonic() - started
    if not result.ok:
        return Outcome(spec, dict(result.changes), seconds, error=_errors(result), log=log)
    return Outcome(spec, dict(result.changes), seconds, log=log)


def while_locked(
    attempt: Callable[[], Result],
    *,
    timeout: float,
    note: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Result:
    """`attempt()`, tried again while another runner holds the stack's lock, for up to `timeout` seconds."""
    deadline = clock() + timeout
    while True:
        result = attempt()
        left = deadline - clock()
        if not result.locked or left <= 0:
            return result
        note(f"orgaccess: the stack is locked by another runner; trying again for up to {left:.0f}s")
        sleep(min(LOCK_POLL_SECONDS, left))


def _apply(operation: Operation, stack: auto.Stack, output: Callable[[str], None]) -> Result:
    if operation is Operation.PREVIEW:
        return run_operation("preview", functools.partial(stack.preview, diff=True), on_output=output)
    # One org's contract-managed license must not stop the other orgs of the stack converging.
    up = functools.partial(stack.up, diff=True, continue_on_error=True)
    result = run_operation("up", up, on_output=output)
    if upgrade_clients.refused(d.message for d in result.errors):
        moved = clients_upgrade.upgrade(lambda: stack)
        output(f"orgaccess: moved {moved} client(s) into their orgs' OrgAccess resources (state only); up again")
        result = result.then(run_operation("up", up, on_output=output), superseded=set(result.errors_by_urn()))
    unkept = unkept_secrets(result)
    if not unkept:
        return result
    # A new secret lives only in the state: its steps run again, with every checkpoint.
    output(f"orgaccess: {len(unkept)} service account(s) need a new secret; running them again with checkpoints")
    stack.workspace.env_vars = {**stack.workspace.env_vars, **checkpoints.KEPT}
    again = functools.partial(up, target=sorted(unkept), target_dependents=True)
    return result.then(run_operation("up", again, on_output=output), superseded=unkept)


def unkept_secrets(result: Result) -> set[str]:
    """The resources an `up` without checkpoints refused, as they would have made a secret."""
    return {urn for urn, message in result.errors_by_urn().items() if UnkeptSecret.PHRASE in message}


def _errors(result: Result) -> str:
    """The engine's errors, which name the cause; the full output is in the stack's log. Refused
    before the engine started (another runner's lock), only the CLI's last words say why."""
    said = [line for d in result.errors for line in _summary(d.message).splitlines()]
    return "\n".join(list(dict.fromkeys(said))[:ERROR_LINES]) or _last_lines(result.stderr)


def _summary(message: str) -> str:
    # An error that introduces a traceback (`...unhandled exception:`) is followed by the exception.
    lines = message.splitlines()
    return f"{lines[0]} {lines[-1]}" if len(lines) > 1 and lines[0].endswith(":") else message


def _last_lines(text: str, count: int = ERROR_LINES) -> str:
    lines = [line.strip().removeprefix("stderr: ") for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-count:]) or "failed"
