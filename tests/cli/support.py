"""The orgaccess command, run as a user runs it: a subprocess, with credentials in its environment."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.emulator.scenario import BUILTIN_DIR
from orgaccess.engine.automation import PROJECT_DIR, Stack, project_stack

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


def admin_stack(backend_dir: Path, url: str, declarations: Path, name: str = "dev") -> Stack:
    """The orgaccess program's stack over `declarations`, as the reconciler's admin on the platform at `url`."""
    return project_stack(
        backend_dir, api_url=url, client_id=ADMIN_ID, client_secret=ADMIN_SECRET, declarations=declarations, name=name
    )


def pulumi_env(stack: Stack) -> dict[str, str]:
    """What `pulumi` needs to find this stack: the engine on PATH, the backend, the passphrase."""
    return {k: v for k, v in stack.env().items() if k.startswith("PULUMI_") or k == "PATH"}


def workdir(path: Path) -> Path:
    shutil.copy(PROJECT_DIR / "access.yaml", path / "access.yaml")
    return path


@dataclass(frozen=True)
class Converged:
    emulator: EmulatorHandle
    stack: Stack
    cli: Cli


# seed-403 exactly as it is live: the declaration of the broken state has no drift.
AS_LIVE = """\
homeOrg: org-primary
serviceAccounts:
  - {name: Premium App, grantType: client_credentials, scopes: [recording:view], orgLock: PRIMARY_ONLY}
roles:
  - {name: Recording Analyst, permissions: [recording:view]}
orgs:
  - id: org-primary
    licenses: {analytics: true}
    bindings:
      - {serviceAccount: Premium App, roles: [Recording Analyst]}
  - id: org-partner-d
    licenses: {analytics: false}
"""


def without_admin_in(org: str) -> dict[str, Any]:
    """seed-403, where orgaccess's own account holds no role in `org`."""
    scenario: dict[str, Any] = yaml.safe_load((BUILTIN_DIR / "seed-403.yaml").read_text())
    for live in scenario["organizations"]:
        if live["id"] == org:
            live["grants"] = [g for g in live["grants"] if g["subject"] != ADMIN_ID]
    return scenario
