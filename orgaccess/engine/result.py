"""What one engine operation (preview, up, refresh, destroy) did, read from its engine events.

The Automation API streams the engine's own typed events to `on_event`; a result keeps the facts
they carry (each step with its op and the fields that differ, the change summary, the diagnostics,
the policy violations), so no caller reads a fact out of the text shown to people. That text is
kept too (`stdout`, `stderr`), for showing. A failed operation is a result, not an exception:
`--expect-no-changes` on drift or a mandatory policy violation are answers the caller wants.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pulumi import automation as auto

OnText = Callable[[str], None]

# The Automation API's CommandError keeps the exit status only in its message, which the SDK
# formats from its CommandResult as "\n code: <status>\n stdout: ...".
_EXIT_STATUS = re.compile(r"^\s*code: (-?\d+)$", re.MULTILINE)


@dataclass(frozen=True)
class Step:
    """One resource step the engine planned (preview) or began (up): `op` is create/update/same/..."""

    urn: str
    type: str
    op: str
    # The top-level fields that differ between the old and new state, as the engine reports them.
    diffs: tuple[str, ...] = ()
    old_inputs: Mapping[str, Any] | None = None
    new_inputs: Mapping[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    @property
    def changes(self) -> bool:
        return self.op != auto.OpType.SAME.value


class Diagnostic(NamedTuple):
    """A message of the engine, the program or a provider; `urn` names the resource it is about."""

    # info, info#err (what a program or provider wrote to stderr), warning, error; debug is not kept.
    severity: str
    message: str
    urn: str | None = None


@dataclass(frozen=True)
class PolicyViolation:
    """What a policy said about a resource (`urn`) or, without one, the whole stack."""

    policy: str
    # The enforcement level: a mandatory violation fails the operation, an advisory one only says so.
    level: str
    urn: str | None
    message: str


@dataclass(frozen=True)
class Result:
    """One finished operation: its exit status, what the engine said, and the text people saw."""

    command: str
    returncode: int
    stdout: str = ""
    stderr: str = ""
    steps: tuple[Step, ...] = ()
    # Resources by op (`{"update": 3, "same": 10}`), from the engine's summary; {} when it never got there.
    changes: Mapping[str, int] = field(default_factory=dict)
    diagnostics: tuple[Diagnostic, ...] = ()
    policy_violations: tuple[PolicyViolation, ...] = ()
    # The urns whose operation failed (an `up` with --continue-on-error goes on past them).
    failed: tuple[str, ...] = ()
    # How the Automation API failed the command (ConcurrentUpdateError: another run holds the lock).
    error: auto.CommandError | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def output(self) -> str:
        """The text shown to people; for showing, never for reading facts out of."""
        return self.stdout + self.stderr

    @property
    def locked(self) -> bool:
        return isinstance(self.error, auto.ConcurrentUpdateError)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def errors_by_urn(self) -> dict[str, str]:
        """Each failed resource's first error message."""
        found: dict[str, str] = {}
        for diagnostic in self.errors:
            if diagnostic.urn:
                found.setdefault(diagnostic.urn, diagnostic.message)
        return found

    def then(self, again: Result, *, superseded: Collection[str]) -> Result:
        """This operation followed by `again`, which ran the resources `superseded` (urns) once more:
        what `again` says of them replaces what this one did. The changes add up."""
        kept = tuple(d for d in self.diagnostics if _outlives(d, superseded))
        still_failed = tuple(urn for urn in self.failed if urn not in superseded)
        # Whichever failed last says how the whole ended.
        last = self if still_failed or _any_error(kept) else again
        return Result(
            self.command,
            last.returncode,
            self.stdout + again.stdout,
            self.stderr + again.stderr,
            steps=self.steps + again.steps,
            changes=_added(self.changes, again.changes),
            diagnostics=kept + again.diagnostics,
            policy_violations=self.policy_violations + again.policy_violations,
            failed=still_failed + again.failed,
            error=last.error,
        )

    def check(self) -> Result:
        if not self.ok:
            raise EngineError(self)
        return self


class EngineError(RuntimeError):
    """An operation that had to succeed did not; says which, with the engine's errors."""

    def __init__(self, result: Result) -> None:
        said = [d.message for d in result.errors] or result.output.strip().splitlines()[-40:]
        super().__init__(f"`pulumi {result.command}` exited {result.returncode}:\n" + "\n".join(said))
        self.result = result


class Recorder:
    """Collects one operation's events and text; its methods are the Automation API's callbacks."""

    def __init__(self, on_output: OnText | None = None) -> None:
        self._lock = threading.Lock()
        self._events: list[auto.EngineEvent] = []
        self._stdout: list[str] = []
        self._stderr: list[str] = []
        self._echo = on_output

    def on_event(self, event: auto.EngineEvent) -> None:
        with self._lock:
            self._events.append(event)

    def on_output(self, line: str) -> None:
        self._stdout.append(line)
        if self._echo:
            self._echo(line)

    def on_error(self, line: str) -> None:
        self._stderr.append(line)
        if self._echo:
            self._echo(line)

    def result(self, command: str, returncode: int, error: auto.CommandError | None = None) -> Result:
        events = sorted(self._events, key=lambda e: e.sequence)
        return Result(
            command,
            returncode,
            _text(self._stdout),
            _text(self._stderr),
            steps=tuple(_step(e.resource_pre_event.metadata) for e in events if e.resource_pre_event),
            changes=_last_changes(events),
            diagnostics=_diagnostics(events),
            policy_violations=tuple(_violation(e.policy_event) for e in events if e.policy_event),
            failed=tuple(e.res_op_failed_event.metadata.urn for e in events if e.res_op_failed_event),
            error=error,
        )


def _outlives(diagnostic: Diagnostic, superseded: Collection[str]) -> bool:
    """Whether what a run said still holds after some of its resources ran again: not what it said of
    them, nor its stack-wide error (the failure those resources caused); a stack-wide warning does."""
    if diagnostic.urn is None:
        return diagnostic.severity != "error"
    return diagnostic.urn not in superseded


def _any_error(diagnostics: tuple[Diagnostic, ...]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


def _added(first: Mapping[str, int], again: Mapping[str, int]) -> dict[str, int]:
    """The changes of a run and of one that ran some of its resources again: what `again` left the same
    was counted the first time."""
    total = Counter(first)
    total.update({op: n for op, n in again.items() if op != auto.OpType.SAME.value})
    return dict(total)


def run_operation(command: str, operation: Callable[..., Any], *, on_output: OnText | None = None) -> Result:
    """Runs `operation` (an Automation API stack method, given the callbacks) into a Result."""
    recorder = Recorder(on_output)
    try:
        operation(on_output=recorder.on_output, on_error=recorder.on_error, on_event=recorder.on_event)
    except auto.CommandError as exc:
        return recorder.result(command, exit_status(exc), exc)
    return recorder.result(command, 0)


def exit_status(error: auto.CommandError) -> int:
    found = _EXIT_STATUS.search(str(error))
    return int(found.group(1)) if found else 1


def _text(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def _step(meta: auto.events.StepEventMetadata) -> Step:
    return Step(
        meta.urn,
        meta.type,
        _op(meta.op),
        _differing(meta),
        meta.old.inputs if meta.old else None,
        meta.new.inputs if meta.new else None,
    )


def _differing(meta: auto.events.StepEventMetadata) -> tuple[str, ...]:
    paths = meta.diffs or list(meta.detailed_diff or {})
    if paths:
        return tuple(sorted({path.split(".", 1)[0].split("[", 1)[0] for path in paths}))
    if not (meta.old and meta.new and meta.op == auto.OpType.UPDATE):
        return ()
    return _compared(meta.old, meta.new)


def _compared(old: auto.events.StepEventStateMetadata, new: auto.events.StepEventStateMetadata) -> tuple[str, ...]:
    # Dynamic providers give the engine no detailed diff; its display then compares the old state's
    # outputs (what the last up or refresh saw) with the new inputs, and so does this.
    before = {**(old.inputs or {}), **(old.outputs or {})}
    after = new.inputs or {}
    return tuple(sorted(k for k, v in after.items() if not k.startswith("__") and before.get(k) != v))


def _op(op: Any) -> str:
    # The SDK types ops as OpType but passes the engine's strings on; OpType() takes both.
    return str(auto.OpType(op).value)


def _last_changes(events: list[auto.EngineEvent]) -> dict[str, int]:
    """The counts of the operation's summary, the last one it sent (none when it sent none)."""
    summaries = [e.summary_event for e in events if e.summary_event]
    return {_op(op): n for op, n in summaries[-1].resource_changes.items()} if summaries else {}


def _diagnostics(events: list[auto.EngineEvent]) -> tuple[Diagnostic, ...]:
    # Debug messages (each RPC of the program) are for `-v` logs, not for results.
    return tuple(_diagnostic(d) for e in events if (d := e.diagnostic_event) and d.severity != "debug")


def _diagnostic(event: auto.DiagnosticEvent) -> Diagnostic:
    return Diagnostic(event.severity, event.message.strip(), event.urn or None)


def _violation(event: auto.PolicyEvent) -> PolicyViolation:
    return PolicyViolation(event.policy_name, event.enforcement_level, event.resource_urn, event.message.strip())
