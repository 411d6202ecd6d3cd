"""The fleet's one summary table, and the exit code of each fleet command."""

from __future__ import annotations

from rich.table import Table

from orgaccess.fleet.runner import Outcome
from orgaccess.reports.driftpage import StackRow

NO_DRIFT, ERROR, DRIFT = 0, 1, 2


def summary_table(outcomes: list[Outcome], title: str, *, applied: bool) -> Table:
    """Per stack: orgs, changes, duration, and ok / drift (changed, when `applied`) / the error."""
    table = Table(title=title, title_justify="left")
    for column in ("stack", "orgs", "changes", "seconds", "result"):
        table.add_column(column, justify="right" if column in ("orgs", "seconds") else "left")
    for row in stack_rows(outcomes, applied=applied):
        table.add_row(row.name, row.orgs, row.changes, row.seconds, row.result)
    return table


def stack_rows(outcomes: list[Outcome], *, applied: bool) -> list[StackRow]:
    """The summary table's rows, as text."""
    return [
        StackRow(
            outcome.stack.name,
            "-" if outcome.stack.is_accounts else str(len(outcome.stack.orgs)),
            describe_changes(outcome.changes),
            f"{outcome.seconds:.1f}",
            result(outcome, applied=applied),
        )
        for outcome in outcomes
    ]


def describe_changes(changes: dict[str, int]) -> str:
    done = [f"{op} {n}" for op, n in sorted(changes.items()) if op != "same" and n]
    return ", ".join(done) or "none"


def result(outcome: Outcome, *, applied: bool) -> str:
    if outcome.error is not None:
        where = f" (log: {outcome.log})" if outcome.log else ""
        return f"error: {outcome.error}{where}"
    if not outcome.changed:
        return "ok"
    return "changed" if applied else "drift"


def drift_exit_code(outcomes: list[Outcome]) -> int:
    """As `orgaccess drift`: 1 when any stack failed, else 2 when any drifted, else 0."""
    if any(o.error is not None for o in outcomes):
        return ERROR
    return DRIFT if any(o.changed for o in outcomes) else NO_DRIFT


def error_exit_code(outcomes: list[Outcome]) -> int:
    """For preview and up: 1 when any stack failed, else 0."""
    return ERROR if any(o.error is not None for o in outcomes) else NO_DRIFT
