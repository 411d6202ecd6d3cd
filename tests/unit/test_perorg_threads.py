"""Work over many orgs on threads: every org once, results in the order given, the first failure raised."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from orgaccess.perorg import for_each_org


def test_results_come_back_by_org_in_the_order_given_whatever_order_they_finish_in() -> None:
    delays = {"org-a": 0.03, "org-b": 0.0, "org-c": 0.01}

    def work(org: str) -> str:
        time.sleep(delays[org])
        return org.upper()

    assert list(for_each_org(delays, work).items()) == [("org-a", "ORG-A"), ("org-b", "ORG-B"), ("org-c", "ORG-C")]


def test_an_org_named_twice_is_worked_on_once() -> None:
    seen: list[str] = []
    lock = threading.Lock()

    def work(org: str) -> None:
        with lock:
            seen.append(org)

    assert list(for_each_org(["org-a", "org-b", "org-a"], work)) == ["org-a", "org-b"]
    assert sorted(seen) == ["org-a", "org-b"]


def test_each_org_is_reported_done_once_on_the_calling_thread() -> None:
    reported: list[tuple[str, int]] = []
    for_each_org(
        [f"org-{i}" for i in range(20)],
        lambda org: None,
        done=lambda org: reported.append((org, threading.get_ident())),
        workers=4,
    )
    assert sorted(org for org, _ in reported) == sorted(f"org-{i}" for i in range(20))
    assert {ident for _, ident in reported} == {threading.get_ident()}


def test_no_more_orgs_are_worked_on_at_once_than_workers() -> None:
    lock = threading.Lock()
    now = most = 0

    def work(org: str) -> None:
        nonlocal now, most
        with lock:
            now += 1
            most = max(most, now)
        time.sleep(0.005)
        with lock:
            now -= 1

    for_each_org([f"org-{i}" for i in range(40)], work, workers=3)
    assert most == 3


def test_the_first_failure_is_raised_and_orgs_not_started_are_never_started() -> None:
    started: list[str] = []

    def work(org: str) -> None:
        started.append(org)
        if org == "org-0":
            raise LookupError("org-0 is unreachable")
        time.sleep(0.01)

    with pytest.raises(LookupError, match="org-0 is unreachable"):
        for_each_org([f"org-{i}" for i in range(50)], work, workers=2)
    assert len(started) < 5


def _slow_or_failing(finished: list[str]) -> Callable[[str], None]:
    """Work where `org-fails` fails at once and any other org takes 50 ms, then is noted in `finished`."""

    def work(org: str) -> None:
        if org == "org-fails":
            raise LookupError("unreachable")
        time.sleep(0.05)
        finished.append(org)

    return work


def test_the_calls_running_when_one_fails_finish_before_the_failure_is_raised() -> None:
    finished: list[str] = []
    with pytest.raises(LookupError):
        for_each_org(["org-slow", "org-fails"], _slow_or_failing(finished), workers=2)
    assert finished == ["org-slow"]


def test_no_org_is_reported_done_after_the_failure() -> None:
    reported: list[str] = []
    with pytest.raises(LookupError):
        for_each_org(["org-slow", "org-fails"], _slow_or_failing([]), done=reported.append, workers=2)
    assert reported == []


def test_no_orgs_is_no_work() -> None:
    assert for_each_org([], lambda org: org) == {}
