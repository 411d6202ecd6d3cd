"""The cyclic garbage collector around objects made once and kept whole (orgaccess/collector.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from orgaccess import collector


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_on:
            gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_off_while_paused_and_on_again_after() -> None:
    with collector.paused():
        assert not gc.isenabled()

    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_a_pause_inside_a_pause_leaves_the_collector_off_until_the_outer_one_ends() -> None:
    with collector.paused():
        with collector.paused():
            pass
        assert not gc.isenabled()

    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_on_again_when_the_build_fails() -> None:
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("a bad file")

    assert gc.isenabled()


def test_what_the_process_holds_is_frozen_while_it_forks_and_unfrozen_after() -> None:
    with collector.frozen():
        assert gc.get_freeze_count() > 0

    assert gc.get_freeze_count() == 0
