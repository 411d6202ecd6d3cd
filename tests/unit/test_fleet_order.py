"""The order of a fleet's stacks: on `up` the accounts stack runs alone first (the org stacks'
bindings look its accounts up); a preview changes nothing, so its stacks all share the pool."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from orgaccess.fleet import runner
from orgaccess.fleet.layout import StackSpec
from orgaccess.fleet.runner import Operation, Outcome, run_fleet
from orgaccess.fleet.workspace import Backend
from orgaccess.platform.settings import Settings

SPECS = [StackSpec("accounts", "accounts", ()), StackSpec("orgs-0-of-1", "orgs:0/1", ("org-primary",))]


def _run(monkeypatch: pytest.MonkeyPatch, operation: Operation) -> tuple[list[Outcome], bool]:
    """The fleet's outcomes, and whether the org stack started while the accounts stack ran."""
    org_stack_started = threading.Event()

    def fake_runner(_operation: Operation, **_options: Any) -> Callable[[StackSpec], Outcome]:
        def run(spec: StackSpec) -> Outcome:
            if spec.is_accounts:
                overlapped = org_stack_started.wait(timeout=1.0)
                return Outcome(spec, error=None if overlapped else "ran alone")
            org_stack_started.set()
            return Outcome(spec)

        return run

    monkeypatch.setattr(runner, "stack_runner", fake_runner)
    outcomes = run_fleet(
        operation,
        SPECS,
        declarations=Path("access.yaml"),
        backend=Backend("file:///unused", "p", Path("unused")),
        settings=Settings(api_url="http://127.0.0.1:9", client_id="c", client_secret=SecretStr("s")),
        jobs=2,
    )
    return outcomes, outcomes[0].error is None


def test_a_preview_runs_the_accounts_stack_alongside_the_org_stacks(monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes, overlapped = _run(monkeypatch, Operation.PREVIEW)
    assert [o.stack.name for o in outcomes] == ["accounts", "orgs-0-of-1"]
    assert overlapped


def test_an_up_runs_the_accounts_stack_alone_first(monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes, overlapped = _run(monkeypatch, Operation.UP)
    assert [o.stack.name for o in outcomes] == ["accounts", "orgs-0-of-1"]
    assert not overlapped
