"""Fixtures shared by every test suite."""

from __future__ import annotations

import inspect
import os
import subprocess
from collections.abc import Callable, Iterator
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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-stress", action="store_true", default=False, help="run the tests marked stress")


# First: pytest-xdist's own hook reads the groups off the tests, in each worker.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # In a worker pytest-xdist sets `dist` to "no" and keeps the mode as `loadgroup`.
    if getattr(config.option, "loadgroup", False):
        _group_for_xdist(items)
    if config.getoption("--run-stress"):
        return
    skip = pytest.mark.skip(reason="stress variant: run with `make stress` (--run-stress)")
    for item in items:
        if "stress" in item.keywords:
            item.add_marker(skip)


# `make test` runs on both cores with pytest-xdist (`-n 2 --dist loadgroup`): each worker is a pytest
# session of its own, given one group of tests at a time, and collects every test the same way.
# - A group is a module: its module-scoped platform and stack are set up once, and its tests tell
#   their story in order, as in a run without xdist.
# - Modules that use one session-scoped fixture of a suite's conftest (a converged stack) are one
#   group, so it is still set up once. The root conftest's are cheap (PostgreSQL starts in a few
#   seconds) and each worker that needs one starts its own.
# - Groups that drive the engine (`e2e`) or are marked `slow` are handed out first (none takes much
#   over a minute), the few seconds' modules after them: those fill in at the end, instead of one
#   worker waiting alone on a long module handed out last.
# - Only the controller compares the checkout before and after (pytest_sessionstart below): a
#   worker would see the files another one has open in it.
_ROOT_CONFTEST = Path(__file__).resolve()


def _requested_fixtures(item: pytest.Item) -> list[pytest.FixtureDef[object]]:
    """The fixtures a test asks for and those they ask for in turn; not the autouse ones (the
    reliability suite's figures are written by every worker that ran one of its modules)."""
    info = item._fixtureinfo  # type: ignore[attr-defined]
    wanted, seen, found = list(info.argnames), set(), []
    while wanted:
        name = wanted.pop()
        definitions = info.name2fixturedefs.get(name)
        if name in seen or not definitions:
            continue
        seen.add(name)
        found.append(definitions[-1])
        wanted.extend(definitions[-1].argnames)
    return found


def _group_for_xdist(items: list[pytest.Item]) -> None:
    group_of = _groups_of_modules(items)
    groups: dict[str, list[pytest.Item]] = {}
    for item in items:
        groups.setdefault(group_of(_module(item)), []).append(item)

    def heavy(group: list[pytest.Item]) -> bool:
        return any(item.get_closest_marker("e2e") or item.get_closest_marker("slow") for item in group)

    order = sorted(groups.values(), key=lambda group: not heavy(group))
    items[:] = [item for group in order for item in group]
    for name, group in groups.items():
        for item in group:
            item.add_marker(pytest.mark.xdist_group(name))


def _module(item: pytest.Item) -> str:
    return item.nodeid.partition("::")[0]


def _groups_of_modules(items: list[pytest.Item]) -> Callable[[str], str]:
    """Each module's group: the module, or one it shares with the modules that use the same
    session-scoped fixture of a suite's conftest (union-find over the modules)."""
    parent: dict[str, str] = {}

    def root(group: str) -> str:
        while parent.setdefault(group, group) != group:
            group = parent[group]
        return group

    for item in items:
        for definition in _requested_fixtures(item):
            defined_in = Path(inspect.getfile(definition.func)).resolve()
            if definition.scope == "session" and defined_in.name == "conftest.py" and defined_in != _ROOT_CONFTEST:
                parent[root(_module(item))] = root(f"{defined_in.relative_to(CHECKOUT)}::{definition.argname}")
    return root


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
