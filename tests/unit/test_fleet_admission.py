"""How many stacks run at once: `Jobs.at_once`, and one more after each poll that found the machine idle, up to
`Jobs.most`; results in the stacks' order whatever order they finish in."""

from __future__ import annotations

import threading
import time

from orgaccess.fleet.admission import Jobs, run_admitted

POLL = 0.01


class Stacks:
    """Stand-ins for stacks that wait on the platform until released, counting how many run at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.release = threading.Event()

    def one(self, item: int) -> int:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        self.release.wait(5)
        with self.lock:
            self.running -= 1
        return item * 10

    def release_after(self, seconds: float) -> None:
        threading.Timer(seconds, self.release.set).start()


def test_on_a_busy_machine_never_more_than_jobs_run_at_once() -> None:
    stacks = Stacks()
    stacks.release_after(0.3)
    run_admitted(range(8), stacks.one, Jobs(2, 6), idle=lambda: False, poll=POLL)
    assert stacks.most == 2


def test_on_an_idle_machine_more_start_up_to_jobs_plus_extra() -> None:
    stacks = Stacks()
    stacks.release_after(0.5)
    run_admitted(range(8), stacks.one, Jobs(2, 3), idle=lambda: True, poll=POLL)
    assert stacks.most == 5


def test_without_extra_jobs_is_kept_to_however_idle_the_machine() -> None:
    stacks = Stacks()
    stacks.release_after(0.3)
    run_admitted(range(6), stacks.one, Jobs(3), idle=lambda: True, poll=POLL)
    assert stacks.most == 3


def test_an_idle_machine_takes_one_more_stack_a_poll_not_all_at_once() -> None:
    stacks = Stacks()
    running_at_poll: list[int] = []

    def idle() -> bool:
        running_at_poll.append(stacks.running)
        return True

    stacks.release_after(0.5)
    run_admitted(range(8), stacks.one, Jobs(1, 7), idle=idle, poll=0.05)
    # The first call only starts the count; each later one admitted a stack. A stack admitted but
    # not yet running counts for less, never more: by the n-th poll at most n run.
    assert stacks.most == 8 and len(running_at_poll) >= 8
    assert all(running <= max(1, n) for n, running in enumerate(running_at_poll)), running_at_poll


def test_results_come_in_the_order_of_the_stacks_whatever_order_they_finish_in() -> None:
    def one(item: int) -> int:
        time.sleep(0.01 * (5 - item))
        return item

    assert run_admitted(list(range(5)), one, Jobs(5), poll=POLL) == [0, 1, 2, 3, 4]
