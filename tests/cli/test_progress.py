"""Progress of long commands: a bar with done/total, elapsed and time left on a terminal; in a
CI log, one plain line per item for the few slow items of a fleet, and nothing for orgs."""

from __future__ import annotations

import io
import re
import threading

from rich.console import Console

from orgaccess.cli.progress import PlainLines, progress


def _console(*, terminal: bool) -> tuple[Console, io.StringIO]:
    sink = io.StringIO()
    return Console(file=sink, force_terminal=terminal, width=120), sink


def test_on_a_terminal_the_bar_shows_done_of_total_elapsed_and_time_left() -> None:
    console, sink = _console(terminal=True)
    with progress("fleet up", 3, console=console) as advance:
        for name in ("accounts", "orgs-0-of-2", "orgs-1-of-2"):
            advance(name)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", sink.getvalue())
    assert "fleet up" in shown and "3/3" in shown
    assert re.search(r"\d:\d\d:\d\d left \d:\d\d:\d\d", shown), shown


def test_in_a_ci_log_each_item_is_one_plain_line_with_its_estimate() -> None:
    console, sink = _console(terminal=False)
    with progress("fleet up", 2, slow_items=True, console=console) as advance:
        advance("accounts ok")
        advance("orgs-0-of-1 changed")
    first, second = sink.getvalue().splitlines()
    assert re.fullmatch(r"fleet up: 1/2 accounts ok, \d+s elapsed, about \d+s left", first), first
    assert re.fullmatch(r"fleet up: 2/2 orgs-0-of-1 changed, \d+s elapsed", second), second


def test_on_a_terminal_the_bar_over_orgs_runs_no_thread_before_the_first_org_is_done() -> None:
    console, sink = _console(terminal=True)
    running = set(threading.enumerate())
    with progress("Comparing orgs", 2, console=console) as advance:
        assert set(threading.enumerate()) <= running and sink.getvalue() == ""
        advance("org-0")
        assert len(set(threading.enumerate()) - running) == 1 and "1/2" in sink.getvalue()


def test_on_a_terminal_the_bar_over_stacks_shows_before_the_first_stack_is_done() -> None:
    console, sink = _console(terminal=True)
    with progress("fleet up", 3, slow_items=True, console=console):
        assert "0/3" in sink.getvalue()


def test_in_a_ci_log_progress_over_orgs_prints_nothing() -> None:
    console, sink = _console(terminal=False)
    with progress("Comparing orgs", 500, console=console) as advance:
        for i in range(500):
            advance(f"org-{i}")
    assert sink.getvalue() == ""


def test_the_estimate_is_the_mean_time_per_item_times_the_items_left() -> None:
    console, sink = _console(terminal=False)
    now = [0.0]
    lines = PlainLines("fleet preview", 4, console, clock=lambda: now[0])
    now[0] = 10.0
    lines("accounts ok")
    assert sink.getvalue() == "fleet preview: 1/4 accounts ok, 10s elapsed, about 30s left\n"


def test_a_name_with_markup_is_printed_as_it_is() -> None:
    console, sink = _console(terminal=False)
    PlainLines("fleet [bold]x[/bold]", 1, console)("[red]stack[/red]")
    assert sink.getvalue().startswith("fleet [bold]x[/bold]: 1/1 [red]stack[/red], ")
