"""A check run once in the background, which every caller waits for (the provider's preflight)."""

from __future__ import annotations

import threading

import pytest

from orgaccess.deploy.gate import Gate


def test_a_caller_waits_until_the_check_has_passed() -> None:
    release = threading.Event()

    def check() -> None:
        release.wait(5)

    gate = Gate(check)
    waited = threading.Thread(target=gate.wait)
    waited.start()

    waited.join(0.2)
    assert waited.is_alive()
    release.set()
    assert gate.run()
    waited.join(5)
    assert not waited.is_alive()


def test_every_caller_gets_the_error_of_a_failed_check() -> None:
    def check() -> None:
        raise ValueError("org-b acts in org-c")

    gate = Gate(check)

    assert not gate.run()
    for _ in range(2):
        with pytest.raises(ValueError, match="org-b acts in org-c"):
            gate.wait()


def test_a_check_interrupted_before_it_finished_does_not_pass() -> None:
    def check() -> None:
        raise SystemExit(1)

    gate = Gate(check)

    with pytest.raises(SystemExit):
        gate.run()
    with pytest.raises(RuntimeError, match="interrupted"):
        gate.wait()
