"""Every fleet run skips the engine's intermediate checkpoints; an `up` whose resources refused to make a
secret without them (UnkeptSecret) runs those resources again with them, and the two runs read as one."""

from __future__ import annotations

import pytest

from orgaccess.engine.result import Diagnostic, Result
from orgaccess.fleet.runner import unkept_secrets
from orgaccess.reconciler import checkpoints
from orgaccess.reconciler.kinds.base import UnkeptSecret

CLIENT = "urn:pulumi:orgs-0-of-2::orgaccess::pulumi-python:dynamic:Resource$ServiceAccount::acct-a"
ORG = "urn:pulumi:orgs-0-of-2::orgaccess::pulumi-python:dynamic:Resource$OrgAccess::org-a"
OTHER = "urn:pulumi:orgs-0-of-2::orgaccess::pulumi-python:dynamic:Resource$OrgAccess::org-b"
REFUSED = Diagnostic(
    "error", f"orgaccess.OrgAccessError: its secret {UnkeptSecret.PHRASE} (the run skips them)", CLIENT
)
LICENSE = Diagnostic("error", "could not converge: license 'analytics' is contract-managed", OTHER)


def _up(returncode: int, *diagnostics: Diagnostic, failed: tuple[str, ...] = (), **changes: int) -> Result:
    return Result("up", returncode, changes=changes, diagnostics=diagnostics, failed=failed)


def test_the_resources_refused_for_a_secret_are_the_ones_run_again() -> None:
    first = _up(255, REFUSED, LICENSE, failed=(CLIENT, OTHER))

    assert unkept_secrets(first) == {CLIENT}


def test_an_up_that_refused_nothing_runs_nothing_again() -> None:
    assert unkept_secrets(_up(255, LICENSE, failed=(OTHER,))) == set()


def test_the_second_run_succeeding_makes_the_whole_up_succeed_with_both_runs_changes() -> None:
    first = _up(255, REFUSED, failed=(CLIENT,), same=10, update=3)
    again = _up(0, same=1, create=1, update=1)

    whole = first.then(again, superseded={CLIENT})

    assert whole.ok
    assert whole.errors == []
    assert dict(whole.changes) == {"same": 10, "update": 4, "create": 1}


def test_another_resources_failure_in_the_first_run_still_fails_the_up() -> None:
    first = _up(255, REFUSED, LICENSE, failed=(CLIENT, OTHER))

    whole = first.then(_up(0, create=1), superseded={CLIENT})

    assert not whole.ok
    assert whole.errors == [LICENSE]
    assert whole.failed == (OTHER,)


def test_a_failure_of_the_second_run_fails_the_up_with_its_own_error() -> None:
    first = _up(255, REFUSED, failed=(CLIENT,))
    error = Diagnostic("error", "HTTP 500", ORG)

    whole = first.then(_up(255, error, failed=(ORG,)), superseded={CLIENT})

    assert not whole.ok
    assert whole.errors == [error]


def test_what_the_first_run_said_of_the_whole_stack_is_kept_but_its_stack_wide_error() -> None:
    advice = Diagnostic("warning", "set PULUMI_DIY_BACKEND_ZSTD=true")
    failed = Diagnostic("error", "update failed")
    first = _up(255, advice, REFUSED, failed, failed=(CLIENT,))

    whole = first.then(_up(0, create=1), superseded={CLIENT})

    assert whole.ok
    assert whole.diagnostics == (advice,)


@pytest.mark.parametrize(
    ("value", "skipped"), [("true", True), ("TRUE", True), ("1", True), ("false", False), ("", False), ("yes", False)]
)
def test_the_variable_is_read_as_the_engine_reads_a_boolean(value: str, skipped: bool) -> None:
    assert checkpoints.skipped({checkpoints.VARIABLE: value}) is skipped
