"""A fleet's orgs read in shares, each in a process of its own (orgaccess/perorg.py, in_processes):
forked while the caller runs no other thread, else spawned; each spec holds either way."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator

import pytest

from orgaccess import collector, perorg
from orgaccess.perorg import ORGS_PER_PROCESS, in_processes, processes_for
from orgaccess.platform.errors import Forbidden

ORGS = {f"org-{i:02d}": i for i in range(10)}


@pytest.fixture(params=["forked", "spawned"])
def either_way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(perorg, "_may_fork", lambda: request.param == "forked")


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(perorg, "_may_fork", lambda: True)


# The work functions are sent to spawned interpreters, so they live at module level.
def _squared_where(share: dict[str, int], done: Callable[[str], None]) -> dict[str, tuple[int, int]]:
    results = {}
    for org, value in share.items():
        results[org] = (value * value, os.getpid())
        done(org)
    return results


def _forbidden_in_org_03(share: dict[str, int], done: Callable[[str], None]) -> dict[str, int]:
    if "org-03" in share:
        raise Forbidden("missing recording:view", status=403, org="org-03", method="GET", path="/api/v2/roles")
    return dict(share)


class _Unpicklable(Exception):
    def __init__(self, lock: object) -> None:
        super().__init__("held a lock")
        self.lock = lock


def _unpicklable_failure(share: dict[str, int], done: Callable[[str], None]) -> dict[str, int]:
    raise _Unpicklable(threading.Lock())


def _dies(share: dict[str, int], done: Callable[[str], None]) -> dict[str, int]:
    os._exit(3)


@pytest.mark.usefixtures("either_way")
def test_results_come_back_by_org_in_the_order_given_each_share_from_another_process() -> None:
    results = in_processes(_squared_where, ORGS, 3)

    assert list(results) == list(ORGS)
    assert {org: squared for org, (squared, _) in results.items()} == {org: v * v for org, v in ORGS.items()}
    pids = {pid for _, pid in results.values()}
    assert len(pids) == 3 and os.getpid() not in pids


@pytest.mark.usefixtures("either_way")
def test_each_org_is_reported_done_once_as_its_process_finishes_it() -> None:
    done: list[str] = []

    in_processes(_squared_where, ORGS, 2, done=done.append)

    assert sorted(done) == sorted(ORGS)


@pytest.mark.usefixtures("either_way")
def test_a_failure_is_raised_here_as_the_error_it_was_there() -> None:
    with pytest.raises(Forbidden) as raised:
        in_processes(_forbidden_in_org_03, ORGS, 2)

    assert raised.value.org == "org-03" and raised.value.status == 403
    assert str(raised.value) == "403 Forbidden in org 'org-03' on GET /api/v2/roles: missing recording:view"


@pytest.mark.usefixtures("either_way")
def test_a_failure_that_cannot_travel_comes_back_as_its_words() -> None:
    with pytest.raises(RuntimeError, match="_Unpicklable: held a lock"):
        in_processes(_unpicklable_failure, ORGS, 2)


@pytest.mark.usefixtures("either_way")
def test_a_process_that_dies_without_an_answer_is_an_error_naming_its_exit_code() -> None:
    with pytest.raises(RuntimeError, match=r"ended without an answer \(exit code 3\)"):
        in_processes(_dies, ORGS, 2)


@pytest.mark.usefixtures("either_way")
def test_fewer_orgs_than_processes_start_one_process_per_org() -> None:
    results = in_processes(_squared_where, {"org-a": 2, "org-b": 3}, 8)

    assert {org: squared for org, (squared, _) in results.items()} == {"org-a": 4, "org-b": 9}


@pytest.mark.usefixtures("forked")
def test_a_forked_process_takes_its_share_without_pickling_it() -> None:
    unpicklable: dict[str, object] = {"org-a": threading.Lock()}

    assert list(in_processes(_kinds, unpicklable, 1).values()) == ["lock"]


def _kinds(share: dict[str, object], done: Callable[[str], None]) -> dict[str, str]:
    return {org: type(value).__name__ for org, value in share.items()}


def test_the_processes_are_forked_by_a_process_that_runs_no_other_thread() -> None:
    asked = "from orgaccess.perorg import _may_fork; print(_may_fork())"
    answer = subprocess.run([sys.executable, "-c", asked], capture_output=True, text=True, check=True).stdout
    assert answer.strip() == str(sys.platform == "linux")


@pytest.mark.usefixtures("running_thread")
def test_the_processes_are_spawned_while_another_thread_runs() -> None:
    assert not perorg._may_fork()


@pytest.fixture
def running_thread() -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def test_a_fleet_gets_a_process_per_thousand_orgs_and_never_more_than_its_cores() -> None:
    cores = len(os.sched_getaffinity(0))
    assert processes_for(ORGS_PER_PROCESS - 1) == 1
    assert processes_for(2 * ORGS_PER_PROCESS) == min(2, cores)
    assert processes_for(1000 * ORGS_PER_PROCESS) == cores


def _collector_seen(share: dict[str, int], done: Callable[[str], None]) -> dict[str, tuple[int, int]]:
    return {org: (gc.get_freeze_count(), gc.get_threshold()[0]) for org in share}


@pytest.mark.usefixtures("forked")
def test_a_forked_process_never_collects_what_this_process_held_when_it_forked() -> None:
    (frozen, _), *_ = in_processes(_collector_seen, ORGS, 2).values()

    assert frozen > 0
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("either_way")
def test_a_reading_process_collects_less_often_than_python_by_default() -> None:
    thresholds = {threshold for _, threshold in in_processes(_collector_seen, ORGS, 2).values()}

    assert thresholds == {collector.SELDOM}


def _niceness(share: dict[str, int], done: Callable[[str], None]) -> dict[str, int]:
    return {org: os.nice(0) for org in share}


@pytest.mark.usefixtures("either_way")
def test_a_reading_process_yields_the_cores_to_the_rest_of_the_machine() -> None:
    niceness = set(in_processes(_niceness, ORGS, 2).values())

    assert niceness == {min(os.nice(0) + perorg.NICENESS, 19)}
