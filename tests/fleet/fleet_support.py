"""What the fleet tests share: a generated fleet on the emulator, and `orgaccess fleet` run in-process."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from bench.fleet_platform import Login
from orgaccess.cli.main import app
from orgaccess.declarations.access_yaml import load_declarations
from orgaccess.dialects import SEED
from orgaccess.emulator.api import Api
from orgaccess.emulator.fleet_scenario import ADMIN_ID, ADMIN_SECRET, Fleet
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import LOCAL_PASSPHRASE, project_copy
from orgaccess.fleet import workspace
from orgaccess.fleet.layout import StackSpec, fleet_stacks
from orgaccess.fleet.workspace import Backend, environment, open_stack
from orgaccess.platform.settings import Settings
from orgaccess.reconciler.kinds import org_access, service_account
from orgaccess.reconciler.kinds.base import OBJECTS, SECRETS, known_objects, label

NO_DRIFT, ERROR, DRIFT = 0, 1, 2
# Lifted so the suite measures orgaccess and the engine, not the emulator's throttling of one client.
UNTHROTTLED = 10**9
DYNAMIC = "pulumi-python:dynamic/orgaccess:"


def isolated(postgres_url: str) -> str:
    """A state backend of its own: a fresh table in the session's database."""
    return f"{postgres_url}&table=state_{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class FleetCli:
    """`orgaccess fleet` as one runner sees it: its backend, its platform, its own work dir."""

    backend_url: str
    api_url: str
    declarations: Path
    work_dir: Path
    stacks: int

    def __call__(self, command: str, *args: str) -> tuple[int, str]:
        """Runs `orgaccess fleet COMMAND`; its exit code and everything it printed."""
        result = CliRunner().invoke(app, self._argv(command, *args), env=self._env(), catch_exceptions=False)
        return result.exit_code, result.output

    def spawn(self, command: str, *args: str) -> subprocess.Popen[str]:
        """Starts `orgaccess fleet COMMAND` as a process of its own, as a second CI job would."""
        return subprocess.Popen(
            [sys.executable, "-m", "orgaccess", *self._argv(command, *args)],
            env={**os.environ, **self._env()},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def _argv(self, command: str, *args: str) -> list[str]:
        argv = ["fleet", command, "--declarations", str(self.declarations), "--stacks", str(self.stacks)]
        return [*argv, "--work-dir", str(self.work_dir), "--api-url", self.api_url, *args]

    def _env(self) -> dict[str, str]:
        return {
            "PULUMI_BACKEND_URL": self.backend_url,
            "PULUMI_CONFIG_PASSPHRASE": LOCAL_PASSPHRASE,
            "ORGACCESS_CLIENT_ID": ADMIN_ID,
            "ORGACCESS_CLIENT_SECRET": ADMIN_SECRET,
        }

    def managed_kinds(self) -> dict[str, set[str]]:
        """Each stack's resource kinds (`RoleBinding`), from its state in the backend."""
        backend = Backend(self.backend_url, LOCAL_PASSPHRASE, self.work_dir)
        settings = Settings(api_url=self.api_url, client_id=ADMIN_ID, client_secret=SecretStr(ADMIN_SECRET))
        env = environment(backend, settings)
        kinds: dict[str, set[str]] = {}
        for spec in fleet_stacks(load_declarations(self.declarations, SEED), self.stacks, SEED):
            deployment = open_stack(spec, self.declarations, backend, settings, env).export_stack().deployment
            types = [r["type"] for r in (deployment or {}).get("resources", [])]
            kinds[spec.name] = {t.rsplit(":", 1)[-1] for t in types if t.startswith(DYNAMIC)}
        return kinds

    def resources(self, spec: StackSpec, settings: Settings) -> list[dict[str, Any]]:
        """The resources in `spec`'s state, secrets shown (as `pulumi stack export --show-secrets`)."""
        backend = Backend(self.backend_url, LOCAL_PASSPHRASE, self.work_dir)
        stack = open_stack(spec, self.declarations, backend, settings, environment(backend, settings))
        return list((stack.export_stack().deployment or {}).get("resources", []))


def clients_in(resources: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The account clients the orgs' resources hold (as `FleetCli.resources` gives them), by (org,
    account): what each keeps, its secret in the clear."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for resource in resources:
        if resource["type"] != f"{DYNAMIC}{org_access.KIND.name}":
            continue
        outputs = resource["outputs"]
        # Exported with --show-secrets, a secret keeps its envelope, the value in it as JSON.
        secrets = json.loads(outputs[SECRETS]["plaintext"]) if SECRETS in outputs else None
        known = known_objects({OBJECTS: outputs.get(OBJECTS), SECRETS: secrets})
        for kind, part in org_access.KIND.objects(outputs):
            if kind is service_account.KIND:
                found[(part["homeOrg"], part["name"])] = known.get(label(kind, part), {})
    return found


def client_writes(platform: EmulatorHandle, since: int) -> list[str]:
    """The calls since audit entry `since` that created, changed or deleted an OAuth client."""
    return [
        f"{e.method} {e.path}" for e in platform.audit(since=since) if "/oauth/clients" in e.path and e.method != "GET"
    ]


def rows(output: str) -> dict[str, str]:
    """The summary table's lines by stack name."""
    found: dict[str, str] = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip("│┃ ").split("│")]
        if cells and (cells[0] == "accounts" or cells[0].startswith("orgs-")):
            found[cells[0]] = line
    return found


def lock_holders(backend_url: str) -> list[str]:
    """The lock rows the backend holds for any stack, read straight from its table."""
    base, table = backend_url.split("&table=")
    query = f"SELECT key FROM {table} WHERE key LIKE '%/.pulumi/locks/%'"
    done = subprocess.run(["psql", base, "-Atc", query], capture_output=True, text=True, check=True, timeout=30)
    return done.stdout.split()


def wait_for_lock(backend_url: str, timeout: float = 120) -> None:
    """Returns once some stack of the backend is locked (an `up` under way)."""
    deadline = time.monotonic() + timeout
    while not lock_holders(backend_url):
        assert time.monotonic() < deadline, "the first up never took the stack's lock"
        time.sleep(0.1)


def declarations_file(directory: Path, fleet: Fleet) -> Path:
    """The fleet's access.yaml, written into `directory`."""
    path = directory / "access.yaml"
    path.write_text(fleet.declarations_yaml)
    return path


@contextlib.contextmanager
def older_program(program: Path) -> Iterator[None]:
    """Every stack a fleet command opens runs `program` instead of the checkout's `__main__.py`."""

    def copied(workdir: Path) -> Path:
        made = project_copy(workdir)
        shutil.copy(program, made / "__main__.py")
        return made

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workspace, "project_copy", copied)
        yield


def on_genesys(runner: FleetCli, login: Login, command: str, *args: str) -> tuple[int, str]:
    """`orgaccess fleet COMMAND ARGS` on genesys-cloud, the credentials file named in the environment."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ORGACCESS_ORG_CREDENTIALS", login.config["orgCredentials"])
        return runner(command, "--platform", Api.GENESYS_CLOUD.value, *args)
