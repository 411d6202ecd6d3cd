"""How an engine operation's events and exception become a Result, without the engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi import automation as auto

from orgaccess.engine.result import Diagnostic, run_operation

TYPE = "pulumi-python:dynamic/orgaccess:Role"
URN = f"urn:pulumi:dev::orgaccess::{TYPE}::org-partner-a/Recording Analyst"


def event(sequence: int, **body: Any) -> auto.EngineEvent:
    return auto.EngineEvent.from_json({"sequence": sequence, "timestamp": 0, **body})


def role(permissions: list[str]) -> dict[str, Any]:
    return {"type": TYPE, "urn": URN, "inputs": {"org": "org-partner-a", "permissions": permissions}}


def engine(events: list[auto.EngineEvent], fails_with: auto.CommandError | None = None) -> Callable[..., None]:
    """An Automation API operation that sends `events` and prints a line, then fails or not."""

    def operation(on_output: Callable[[str], None], on_error: Callable[[str], None], on_event: Any) -> None:
        for sent in events:
            on_event(sent)
        on_output("Previewing update (dev):")
        if fails_with:
            on_error("error: preview failed")
            raise fails_with

    return operation


UPDATE = event(
    2,
    resourcePreEvent={
        "metadata": {"op": "update", "urn": URN, "type": TYPE, "old": role([]), "new": role(["recording:view"])}
    },
)
SUMMARY = event(9, summaryEvent={"maybeCorrupt": False, "durationSeconds": 1, "resourceChanges": {"update": 1}})


def test_a_step_carries_its_op_and_the_fields_that_differ() -> None:
    result = run_operation("preview", engine([SUMMARY, UPDATE]))
    (step,) = result.steps
    assert (step.name, step.op, step.diffs, step.changes) == (
        "org-partner-a/Recording Analyst",
        "update",
        ("permissions",),
        True,
    )
    assert result.changes == {"update": 1}


def test_a_failed_command_is_a_result_with_its_exit_status_and_text() -> None:
    failed = auto.CommandError(auto.CommandResult("Previewing update (dev):", "error: preview failed", 7))
    result = run_operation("preview", engine([UPDATE], failed))
    assert (result.ok, result.returncode, result.locked) == (False, 7, False)
    assert result.stdout == "Previewing update (dev):\n" and result.stderr == "error: preview failed\n"


def test_a_lock_held_by_another_run_reads_as_locked() -> None:
    refused = auto.ConcurrentUpdateError(
        auto.CommandResult("", "error: the stack is currently locked by 1 lock(s)", 255)
    )
    assert run_operation("up", engine([], refused)).locked


def test_errors_keep_their_resource_and_debug_messages_are_left_out() -> None:
    said = [
        event(3, diagnosticEvent={"severity": "debug", "message": "rpc", "color": "never"}),
        event(4, diagnosticEvent={"severity": "error", "message": "orgaccess: no\n", "color": "never", "urn": URN}),
    ]
    result = run_operation("up", engine(said))
    assert result.diagnostics == (Diagnostic("error", "orgaccess: no", URN),)
    assert result.errors_by_urn() == {URN: "orgaccess: no"}
