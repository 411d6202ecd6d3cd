"""Fixtures of the CLI suite: the command against a fresh emulator, or against a converged stack."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from orgaccess.demo.genesys import ADMINS, APP_SECRETS
from orgaccess.emulator.api import Api
from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine.automation import PROJECT_DIR
from tests.cli.support import Cli, Converged, admin_env, admin_stack, workdir


@pytest.fixture
def emulator(module_emulator: EmulatorHandle) -> EmulatorHandle:
    """Overrides the root fixture here: a fresh seed-403 platform per test, reset in the module's
    one emulator process (as in tests/emulator) instead of a process started per test."""
    module_emulator.reset()
    return module_emulator


@pytest.fixture
def cli(emulator: EmulatorHandle, tmp_path: Path) -> Cli:
    """orgaccess against a fresh seed-403 emulator, as the reconciler's admin, the app's secret at hand."""
    return Cli(emulator.url, workdir(tmp_path), admin_env(emulator.url))


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
        stack = admin_stack(scratch / "backend", emulator.url, scratch / "access.yaml", name="cli")
        stack.up()
        yield Converged(emulator, stack, Cli(emulator.url, scratch, admin_env(emulator.url)))


@pytest.fixture(scope="module")
def genesys() -> Iterator[EmulatorHandle]:
    """The emulator's genesys-cloud dialect, shared by a module; each test resets it to genesys-403."""
    with running_emulator("genesys-403", dialect=Api.GENESYS_CLOUD) as handle:
        yield handle


@pytest.fixture
def genesys_cli(genesys: EmulatorHandle, tmp_path: Path) -> Cli:
    """orgaccess against genesys-403, each org's admin and app credentials in env, the Genesys example
    access.yaml in its directory; the dialect is left to each test (flag or env)."""
    genesys.reset("genesys-403")
    shutil.copy(PROJECT_DIR / "examples" / "genesys-cloud" / "access.yaml", tmp_path / "access.yaml")
    env = {
        "ORGACCESS_API_URL": genesys.url,
        "ORGACCESS_ORG_CREDENTIALS": json.dumps(ADMINS),
        "ORGACCESS_APP_CLIENT_SECRETS": json.dumps(APP_SECRETS),
    }
    return Cli(genesys.url, tmp_path, env)
