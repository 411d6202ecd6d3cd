"""A throwaway PostgreSQL state backend for tests, benchmarks and demos: scripts/postgres.sh, scoped.

    with running_postgres() as url:     # postgres://orgaccess:...@127.0.0.1:<free port>/orgaccess
        ...

The cluster is stopped and its directory removed on exit, whatever happened inside.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orgaccess.engine.automation import PROJECT_DIR

SCRIPT = PROJECT_DIR / "scripts" / "postgres.sh"
# The first start may install postgresql with apt-get.
START_TIMEOUT_SECONDS = 900


class PostgresError(RuntimeError):
    """No cluster could be started; the message is the script's own explanation."""


@contextmanager
def running_postgres() -> Iterator[str]:
    """Starts a cluster of its own on 127.0.0.1 and yields its backend URL."""
    # Not under a pytest tmp dir: those are private to root, and the server runs as `postgres`.
    cluster = Path(tempfile.mkdtemp(prefix="orgaccess-pg-"))
    env = {**os.environ, "ORGACCESS_PG_DIR": str(cluster)}
    try:
        started = subprocess.run(
            [str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=START_TIMEOUT_SECONDS, check=False
        )
        if started.returncode != 0:
            raise PostgresError(started.stderr.strip() or f"{SCRIPT} start exited {started.returncode}")
        yield started.stdout.strip()
    finally:
        subprocess.run([str(SCRIPT), "stop"], env=env, capture_output=True, timeout=120, check=False)
        shutil.rmtree(cluster, ignore_errors=True)
