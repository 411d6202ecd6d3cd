"""Pacing after a 429: the org is held for its Retry-After, then called one at a time, widening
with every answer, so that the threads released by a hold do not all meet the limit again."""

from __future__ import annotations

import threading
import time

from orgaccess.platform._pacing import OrgPacing

ORG = "org-partner-a"
CEILING = 4


def _pacing() -> OrgPacing:
    return OrgPacing(time.monotonic, time.sleep, ceiling=CEILING)


def _refused(pacing: OrgPacing, org: str = ORG) -> None:
    pacing.enter(org)
    pacing.leave(org, answered=True, refused_for=0.0)


def _entering(pacing: OrgPacing, org: str = ORG) -> threading.Thread:
    """A thread that enters `org` (and stays in flight); join it to see whether it got in."""
    thread = threading.Thread(target=pacing.enter, args=(org,), daemon=True)
    thread.start()
    return thread


def _got_in(thread: threading.Thread) -> bool:
    thread.join(5)
    return not thread.is_alive()


def _kept_out(thread: threading.Thread) -> bool:
    # A thread kept out stays out, so a short look cannot pass wrongly.
    thread.join(0.2)
    return thread.is_alive()


def test_an_org_never_refused_is_not_paced() -> None:
    pacing = _pacing()
    assert all(_got_in(_entering(pacing)) for _ in range(CEILING * 2))


def test_after_a_429_one_call_to_the_org_is_in_flight_at_a_time() -> None:
    pacing = _pacing()
    _refused(pacing)
    assert _got_in(_entering(pacing))
    second = _entering(pacing)
    assert _kept_out(second)
    pacing.leave(ORG, answered=True)
    assert _got_in(second)


def test_every_answer_after_a_429_lets_one_more_call_in() -> None:
    pacing = _pacing()
    _refused(pacing)
    pacing.enter(ORG)
    pacing.leave(ORG, answered=True)
    assert _got_in(_entering(pacing)) and _got_in(_entering(pacing))
    assert _kept_out(_entering(pacing))


def test_a_dropped_connection_does_not_widen_the_pace() -> None:
    pacing = _pacing()
    _refused(pacing)
    pacing.enter(ORG)
    pacing.leave(ORG, answered=False)
    assert _got_in(_entering(pacing))
    assert _kept_out(_entering(pacing))


def test_an_org_paced_up_to_the_ceiling_is_no_longer_paced() -> None:
    pacing = _pacing()
    _refused(pacing)
    for _ in range(CEILING - 1):
        pacing.enter(ORG)
        pacing.leave(ORG, answered=True)
    assert all(_got_in(_entering(pacing)) for _ in range(CEILING * 2))


def test_a_429_paces_only_its_own_org() -> None:
    pacing = _pacing()
    _refused(pacing)
    pacing.enter(ORG)
    assert all(_got_in(_entering(pacing, "org-partner-b")) for _ in range(CEILING))


def _held_for_30s_by_this_thread() -> tuple[OrgPacing, list[float]]:
    """Pacing whose sleeps are recorded, with ORG just refused for 30 s on this thread."""
    sleeps: list[float] = []
    pacing = OrgPacing(time.monotonic, sleeps.append, ceiling=CEILING)
    pacing.enter(ORG)
    pacing.leave(ORG, answered=True, refused_for=30.0)
    return pacing, sleeps


def test_the_refused_thread_sleeps_its_hold_out_itself_and_is_not_held_twice() -> None:
    pacing, sleeps = _held_for_30s_by_this_thread()
    pacing.enter(ORG)
    assert sleeps == []


def test_a_thread_that_disowned_its_hold_waits_it_out_on_its_next_call() -> None:
    pacing, sleeps = _held_for_30s_by_this_thread()
    pacing.disown(ORG)
    pacing.enter(ORG)
    assert len(sleeps) == 1 and 29.0 < sleeps[0] <= 30.0
