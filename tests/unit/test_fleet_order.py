"""The order of a fleet's stacks: on `up` the accounts stack runs alone first (the org stacks'
bindings look its accounts up); a preview changes nothing, so its stacks all share the pool."""

from __future__ import annotations

import threading

from orgaccess.fleet.admission import Jobs
from orgaccess.fleet.layout import StackSpec
from orgaccess.fleet.runner import Operation, Outcome, in_fleet_order

SPECS = [StackSpec("accounts", "accounts", ()), StackSpec("orgs-0-of-1", "orgs:0/1", ("org-primary",))]


def _run(operation: Operation) -> tuple[list[Outcome], bool]:
    """The fleet's outcomes, and whether the org stack started while the accounts stack ran."""
    org_stack_started = threading.Event()

    def run(spec: StackSpec) -> Outcome:
        if spec.is_accounts:
            overlapped = org_stack_started.wait(timeout=1.0)
            return Outcome(spec, error=None if overlapped else "ran alone")
        org_stack_started.set()
        return Outcome(spec)

    outcomes = in_fleet_order(operation, SPECS, run, Jobs(2))
    return outcomes, outcomes[0].error is None


def test_a_preview_runs_the_accounts_stack_alongside_the_org_stacks() -> None:
    outcomes, overlapped = _run(Operation.PREVIEW)
    assert [o.stack.name for o in outcomes] == ["accounts", "orgs-0-of-1"]
    assert overlapped


def test_an_up_runs_the_accounts_stack_alone_first() -> None:
    outcomes, overlapped = _run(Operation.UP)
    assert [o.stack.name for o in outcomes] == ["accounts", "orgs-0-of-1"]
    assert not overlapped
