"""Fixtures shared by every test suite."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgaccess.demo.postgres import PostgresError, running_postgres
from orgaccess.emulator.harness import EmulatorHandle, running_emulator

CHECKOUT = Path(__file__).resolve().parents[1]


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[EmulatorHandle]:
    """A real emulator subprocess on 127.0.0.1 serving seed-403 from a fresh database."""
    with running_emulator("seed-403", db=tmp_path / "emulator.db") as handle:
        yield handle


@pytest.fixture(scope="module")
def module_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    """One seed-403 emulator process for a module; suites that give each test a fresh platform
    (tests/cli, tests/emulator) override `emulator` to reset it instead of starting one per test."""
    with running_emulator("seed-403", db=tmp_path_factory.mktemp("emulator") / "emulator.db") as handle:
        yield handle


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL state backend of this session only (fleet and recovery tests), removed at its end.

    scripts/postgres.sh installs Debian's postgresql when it is missing; when it cannot, every test
    that needs it fails with its message: a suite that silently skipped would pass CI without ever
    having touched the backend it is about.
    """
    try:
        with running_postgres() as url:
            yield url
    except PostgresError as exc:
        pytest.fail(f"these tests need a PostgreSQL state backend and none could be started:\n{exc}", pytrace=False)


# Heavier variants (`make stress`) are marked `stress` and skipped unless asked for.


@pytest.fixture(autouse=True)
def tracebacks_kept() -> Iterator[None]:
    """The provider shortens its tracebacks for the engine (`sys.tracebacklimit = 0`), which is right in
    its own process; a test that drives it in this one must not leave every later stack trace empty."""
    before = getattr(sys, "tracebacklimit", None)
    yield
    if before is None:
        sys.__dict__.pop("tracebacklimit", None)
    else:
        sys.tracebacklimit = before


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-stress", action="store_true", default=False, help="run the tests marked stress")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if hasattr(config, "workerinput"):
        _heavy_modules_first(items)
    if config.getoption("--run-stress"):
        return
    skip = pytest.mark.skip(reason="stress variant: run with `make stress` (--run-stress)")
    for item in items:
        if "stress" in item.keywords:
            item.add_marker(skip)


# `make test` runs on both cores with pytest-xdist (`-n 2 --dist loadfile --no-loadscope-reorder`):
# each worker is a pytest session of its own, collects every test the same way, and is handed one
# module at a time, in the order of that collection.
# - A module runs whole in one worker: its module-scoped platform and stack are set up once, and
#   its tests tell their story in order, as without xdist. (Not `--dist loadgroup`: under pytest 9.2
#   pytest-xdist 3.8 cannot rename the tests it groups, and hands out each test on its own.)
# - A session-scoped fixture is set up once per worker that runs a test needing it: PostgreSQL, or
#   the converged stacks of tests/cli and tests/reliability, twice at most.
# - Modules that drive the engine (`e2e`) or are marked `slow` are handed out first (none takes much
#   over a minute), the few seconds' modules after them: those fill in at the end, instead of one
#   worker waiting alone on a long module handed out last.
# - Only the controller compares the checkout before and after (pytest_sessionstart below): a
#   worker would see the files another one has open in it.
def _heavy_modules_first(items: list[pytest.Item]) -> None:
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.nodeid.partition("::")[0], []).append(item)

    def heavy(module: list[pytest.Item]) -> bool:
        return any(item.get_closest_marker("e2e") or item.get_closest_marker("slow") for item in module)

    items[:] = [item for module in sorted(modules.values(), key=lambda module: not heavy(module)) for item in module]


# Tests never write into the checkout: on CI (where nobody edits during the run), a file that
# `git status` shows changed or new after the session and not before fails the run.
_BEFORE: pytest.StashKey[set[str]] = pytest.StashKey()


def _checkout_changes() -> set[str]:
    done = subprocess.run(
        ["git", "status", "--porcelain"], cwd=CHECKOUT, capture_output=True, text=True, check=False, timeout=60
    )
    return set(done.stdout.splitlines()) if done.returncode == 0 else set()


def _checks_the_checkout(config: pytest.Config) -> bool:
    """On CI, in the session that runs the tests or, under pytest-xdist, in the controller only."""
    return bool(os.environ.get("CI")) and not hasattr(config, "workerinput")


def pytest_sessionstart(session: pytest.Session) -> None:
    if _checks_the_checkout(session.config):
        session.config.stash[_BEFORE] = _checkout_changes()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _checks_the_checkout(session.config):
        return
    before = session.config.stash[_BEFORE]
    written = sorted(change for change in _checkout_changes() if change not in before)
    if written:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = "\n".join(f"  {line}" for line in written)
        message = f"the test run changed the checkout (tests must write under tmp or .state/):\n{lines}"
        if reporter is not None:
            reporter.write_line(message, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
