"""One fleet stack as an Automation API stack: its project copy, its environment, its config.

Stack config of the DIY backends (PostgreSQL included) lives in Pulumi.<stack>.yaml beside the
project, not in the backend, so every run writes it again from the fleet's own settings: any
runner with the same declarations and flags runs the same stacks. Credentials are passed in the
environment and never written to a config file.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from pulumi import automation as auto

from orgaccess.deploy.backend import state_compression
from orgaccess.deploy.validated import VALIDATED_DIR_ENV
from orgaccess.engine.automation import engine_bin_dir, engine_command, project_copy
from orgaccess.fleet.layout import StackSpec
from orgaccess.platform.ratebudget import RATE_LIMIT_DIR_ENV
from orgaccess.platform.settings import ORG_CREDENTIALS_ENV, Settings

# Two runners opening an empty PostgreSQL database at once race to create the state table
# (CREATE TABLE IF NOT EXISTS is not safe concurrently); the loser finds it on a second try. The
# loser's error depends on when it looked (23505 on pg_type's index, 42710 "type already exists"),
# so the match is the engine's own phrase for any of them.
TABLE_RACE = "failed to create table"


@dataclass(frozen=True)
class Backend:
    """Where the fleet's state lives and how its secrets are encrypted."""

    url: str
    passphrase: str
    # Project copies (one per stack, so concurrent runs never share a Pulumi.<stack>.yaml) and PULUMI_HOME.
    work_dir: Path


def environment(backend: Backend, settings: Settings) -> dict[str, str]:
    """What every pulumi process of the fleet sees on top of this process's environment."""
    path = os.pathsep.join([str(engine_bin_dir()), str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return {
        "PATH": path,
        "PULUMI_BACKEND_URL": backend.url,
        "PULUMI_CONFIG_PASSPHRASE": backend.passphrase,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_PYTHON_CMD": sys.executable,
        **state_compression(backend.url, os.environ),
        # The stacks call with one credential: they reserve its rate limit from one shared budget.
        RATE_LIMIT_DIR_ENV: os.environ.get(RATE_LIMIT_DIR_ENV) or str(backend.work_dir / "rate-limit"),
        # Each stack reads its part of access.yaml, validated once by the fleet (deploy/validated.py).
        VALIDATED_DIR_ENV: str(validated_dir(backend)),
        "ORGACCESS_CLIENT_ID": settings.client_id,
        "ORGACCESS_CLIENT_SECRET": settings.client_secret.get_secret_value(),
        # On genesys-cloud: one admin client per org (empty on the seed platform).
        ORG_CREDENTIALS_ENV: _org_credentials(settings),
    }


def validated_dir(backend: Backend) -> Path:
    """Where the fleet writes each stack's part of access.yaml."""
    return backend.work_dir / "validated"


def _org_credentials(settings: Settings) -> str:
    """The file they came from, by its path: thousands of them exceed what one variable holds."""
    if settings.org_credentials_file is not None:
        return settings.org_credentials_file
    if not settings.org_credentials:
        return ""
    return json.dumps(
        {
            org: {"clientId": c.clientId, "clientSecret": c.clientSecret.get_secret_value()}
            for org, c in settings.org_credentials
        }
    )


def lost_table_race(error: str) -> bool:
    """Whether a command failed only because another runner created the state table at the same moment.

    One try again is enough: the loser's error comes after the winner's table is committed.
    """
    return TABLE_RACE in error


def open_stack(
    spec: StackSpec, declarations: Path, backend: Backend, settings: Settings, env: dict[str, str]
) -> auto.Stack:
    """The stack `spec` on the backend, created the first time, configured for its shard."""
    work_dir = project_copy(backend.work_dir / spec.name)
    workspace = auto.LocalWorkspace(
        work_dir=str(work_dir),
        pulumi_home=str(backend.work_dir / ".pulumi-home"),
        env_vars=env,
        pulumi_command=engine_command(),
    )
    try:
        stack = auto.Stack.create_or_select(spec.name, workspace)
    except auto.CommandError as exc:
        if not lost_table_race(str(exc)):
            raise
        stack = auto.Stack.create_or_select(spec.name, workspace)
    stack.set_all_config(
        {
            "orgaccess:declarations": auto.ConfigValue(str(declarations.resolve())),
            "orgaccess:shard": auto.ConfigValue(spec.shard),
            # Config, not env: Pulumi.yaml gives apiUrl a default, which would win over the env.
            "orgaccess:apiUrl": auto.ConfigValue(settings.api_url),
            # Config, not env: it wins over an ORGACCESS_PLATFORM the runner's shell may hold.
            "orgaccess:platform": auto.ConfigValue(settings.platform),
        }
    )
    return stack
