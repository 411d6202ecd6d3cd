"""Fleet tests run on a real PostgreSQL state backend: one throwaway cluster on 127.0.0.1 per session.

scripts/postgres.sh installs Debian's postgresql when it is missing and starts the cluster; when
it cannot, every fleet test fails with its message: a fleet suite that silently skipped would
pass CI without ever having touched the backend it is about.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# `bench` (the fleet generator) is a directory of the checkout, not an installed package.
REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

POSTGRES_SCRIPT = REPO / "scripts" / "postgres.sh"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a PostgreSQL cluster of this session only, stopped and removed at its end."""
    cluster = Path(tempfile.mkdtemp(prefix="orgaccess-pg-"))
    env = {**os.environ, "ORGACCESS_PG_DIR": str(cluster)}
    try:
        started = subprocess.run(
            [str(POSTGRES_SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=600, check=False
        )
        if started.returncode != 0:
            pytest.fail(
                "the fleet tests need a PostgreSQL state backend and scripts/postgres.sh could not start one:\n"
                + started.stderr.strip(),
                pytrace=False,
            )
        yield started.stdout.strip()
    finally:
        subprocess.run([str(POSTGRES_SCRIPT), "stop"], env=env, capture_output=True, timeout=120, check=False)
        shutil.rmtree(cluster, ignore_errors=True)
