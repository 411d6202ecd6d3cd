"""A stack on the PostgreSQL backend: orgaccess has the engine compress its checkpoints, and a plain
`pulumi` run that would write them uncompressed is told what to set."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from orgaccess.deploy.backend import COMPRESSION_VARIABLES
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import Stack, project_stack
from tests.e2e.e2e_support import ADMIN

pytestmark = pytest.mark.e2e

ADVICE = "PULUMI_DIY_BACKEND_ZSTD=true"


@pytest.fixture(scope="module")
def stack(platform: EmulatorHandle, postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Stack:
    # The session's cluster is shared with the fleet tests: a table of its own.
    return project_stack(
        tmp_path_factory.mktemp("pg-backend"),
        api_url=platform.url,
        client_id=ADMIN[0],
        client_secret=ADMIN[1],
        name="pg-backend",
        backend_url=f"{postgres_url}&table=pg_backend",
    )


def plain_pulumi(stack: Stack, *args: str) -> str:
    """`pulumi ARGS` as an operator runs it with only PULUMI_BACKEND_URL set: no compression chosen."""
    env = {k: v for k, v in stack.env().items() if k not in COMPRESSION_VARIABLES}
    done = subprocess.run(
        ["pulumi", *args, "--stack", stack.name, "--non-interactive"],
        cwd=Path(stack.project_dir),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.stdout + done.stderr


def test_a_plain_pulumi_preview_on_uncompressed_postgresql_says_what_to_set(stack: Stack) -> None:
    assert ADVICE in plain_pulumi(stack, "preview")


def test_a_preview_orgaccess_runs_there_gives_no_such_advice(stack: Stack) -> None:
    assert ADVICE not in stack.preview().output
