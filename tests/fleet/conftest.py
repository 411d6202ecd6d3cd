"""Fleet tests run on a real PostgreSQL state backend: one throwaway cluster on 127.0.0.1 per session.

scripts/postgres.sh installs Debian's postgresql when it is missing and starts the cluster; when
it cannot, every fleet test fails with its message: a fleet suite that silently skipped would
pass CI without ever having touched the backend it is about.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# `bench` (the fleet generator) is a directory of the checkout, not an installed package.
REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from orgaccess.fleet.postgres import PostgresError, running_postgres  # noqa: E402


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a PostgreSQL cluster of this session only, stopped and removed at its end."""
    try:
        with running_postgres() as url:
            yield url
    except PostgresError as exc:
        pytest.fail(f"the fleet tests need a PostgreSQL state backend and none could be started:\n{exc}", pytrace=False)
