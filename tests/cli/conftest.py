"""The orgaccess command, run as a user runs it: a subprocess, with credentials in its environment."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine import PROJECT_DIR, Stack, project_stack

ORGACCESS = Path(sys.executable).parent / "orgaccess"
ADMIN_ID, ADMIN_SECRET = "orgaccess-admin", "s3cret-admin"
APP_SECRET = "s3cret-app"
PARTNERS = ("org-partner-a", "org-partner-b", "org-partner-c", "org-partner-d")


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclass
class Cli:
    """`orgaccess ...` in `cwd` (which holds a copy of the repository's access.yaml)."""

    url: str
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)

    def __call__(self, *args: str, **env: str) -> Run:
        # Hermetic: nothing of the developer's own ORGACCESS_* settings leaks in.
        base = {k: v for k, v in os.environ.items() if not k.startswith("ORGACCESS_")}
        done = subprocess.run(
            [str(ORGACCESS), *args],
            cwd=self.cwd,
            env={**base, **self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return Run(done.returncode, done.stdout, done.stderr)


def admin_env(url: str) -> dict[str, str]:
    return {
        "ORGACCESS_API_URL": url,
        "ORGACCESS_CLIENT_ID": ADMIN_ID,
        "ORGACCESS_CLIENT_SECRET": ADMIN_SECRET,
        "ORGACCESS_APP_CLIENT_SECRET": APP_SECRET,
    }


def pulumi_env(stack: Stack) -> dict[str, str]:
    """What `pulumi` needs to find this stack: the engine on PATH, the backend, the passphrase."""
    return {k: v for k, v in stack.env().items() if k.startswith("PULUMI_") or k == "PATH"}


def workdir(path: Path) -> Path:
    shutil.copy(PROJECT_DIR / "access.yaml", path / "access.yaml")
    return path


@pytest.fixture
def cli(emulator: EmulatorHandle, tmp_path: Path) -> Cli:
    """orgaccess against a fresh seed-403 emulator, as the reconciler's admin, the app's secret at hand."""
    return Cli(emulator.url, workdir(tmp_path), admin_env(emulator.url))


@dataclass(frozen=True)
class Converged:
    emulator: EmulatorHandle
    stack: Stack
    cli: Cli


# An account orgaccess creates, so the stack knows its secret (it cannot know an adopted one's).
READER = {
    "name": "Reader App",
    "grantType": "client_credentials",
    "scopes": ["recording:view"],
    "orgLock": "LINKED_ORGS",
}


@pytest.fixture(scope="session")
def converged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Converged]:
    """seed-403 after `pulumi up` of access.yaml plus a new Reader App bound in org-partner-a:
    everything fixed but org-partner-d's contract-managed license."""
    scratch = tmp_path_factory.mktemp("converged")
    declarations = yaml.safe_load((PROJECT_DIR / "access.yaml").read_text())
    declarations["serviceAccounts"].append(READER)
    partner_a = next(org for org in declarations["orgs"] if org["id"] == "org-partner-a")
    partner_a["bindings"].append({"serviceAccount": READER["name"], "roles": ["Recording Analyst"]})
    (scratch / "access.yaml").write_text(yaml.safe_dump(declarations, sort_keys=False))
    with running_emulator("seed-403", db=scratch / "emulator.db") as emulator:
        stack = project_stack(
            scratch / "backend",
            api_url=emulator.url,
            client_id=ADMIN_ID,
            client_secret=ADMIN_SECRET,
            declarations=scratch / "access.yaml",
            name="cli",
        )
        stack.up("--continue-on-error")
        yield Converged(emulator, stack, Cli(emulator.url, scratch, admin_env(emulator.url)))
