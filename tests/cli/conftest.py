"""Fixtures of the CLI suite: the command against a fresh emulator, or against a converged stack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine import PROJECT_DIR, project_stack
from tests.cli.support import ADMIN_ID, ADMIN_SECRET, Cli, Converged, admin_env, workdir


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
        stack = project_stack(
            scratch / "backend",
            api_url=emulator.url,
            client_id=ADMIN_ID,
            client_secret=ADMIN_SECRET,
            declarations=scratch / "access.yaml",
            name="cli",
        )
        stack.up()
        yield Converged(emulator, stack, Cli(emulator.url, scratch, admin_env(emulator.url)))
