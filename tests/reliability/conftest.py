"""The reliability suite's setup: one converged fleet shared by the isolation and secrets
specifications, and the figures the scenarios record written at the end of the session: to
bench/results/reliability.json by `make stress`, to the gitignored .state/reliability.json by any
other run (tests never write tracked files)."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator

import pytest

from bench import reliability_report
from tests.reliability.support import FIGURES, NEW_ACCOUNT, Converged, drifted_fleet, with_new_account


@pytest.fixture(scope="session", autouse=True)
def reliability_figures(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if FIGURES:
        stress = bool(request.config.getoption("--run-stress"))
        path = reliability_report.REPORT if stress else reliability_report.TEST_RUN_REPORT
        # Under `make test` each pytest-xdist worker writes the figures of its own modules: the lock
        # makes their read-merge-writes one after the other, so the report holds every worker's.
        lock_file = reliability_report.TEST_RUN_REPORT.with_suffix(".lock")
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        with lock_file.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            reliability_report.write(FIGURES, stress=stress, path=path)


@pytest.fixture(scope="session")
def converged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Converged]:
    with drifted_fleet(tmp_path_factory.mktemp("converged"), 10, seed=3, edit=with_new_account) as fleet:
        since = fleet.platform.audit_count()
        preview = fleet.stack.preview()
        up = fleet.stack.up()
        audit = fleet.platform.audit(since)
        accounts = fleet.stack.outputs(show_secrets=True)["serviceAccounts"]
        yield Converged(fleet, preview, up, audit, accounts[NEW_ACCOUNT]["secret"])
