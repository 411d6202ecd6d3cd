"""A genesys-cloud fleet whose admin credentials (one client per org) come from one file: the stacks
get its path, never its content, and no file orgaccess writes holds a secret."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from orgaccess.demo.genesys import ADMINS
from orgaccess.emulator.api import Api
from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine.automation import LOCAL_PASSPHRASE, PROJECT_DIR
from orgaccess.fleet.workspace import Backend, environment
from orgaccess.platform.settings import Settings, org_credentials
from tests.fleet.fleet_support import FleetCli

pytestmark = pytest.mark.e2e

SECRETS = [credential["clientSecret"] for credential in ADMINS.values()]


@pytest.fixture(scope="module")
def genesys() -> Iterator[EmulatorHandle]:
    with running_emulator("genesys-403", dialect=Api.GENESYS_CLOUD) as handle:
        yield handle


@pytest.fixture(scope="module")
def credentials_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secrets") / "org-credentials.json"
    path.write_text(json.dumps(ADMINS))
    return path


@pytest.fixture(scope="module")
def fleet_up(
    genesys: EmulatorHandle, credentials_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, str, Path]:
    """`fleet up` of the Genesys example over 2 org stacks; its exit, its output, and everything it wrote."""
    written = tmp_path_factory.mktemp("written")
    declarations = written / "access.yaml"
    shutil.copy(PROJECT_DIR / "examples" / "genesys-cloud" / "access.yaml", declarations)
    runner = FleetCli(f"file://{written / 'backend'}", genesys.url, declarations, written / "work", 2)
    (written / "backend").mkdir()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ORGACCESS_ORG_CREDENTIALS", str(credentials_file))
        code, output = runner("up", "--platform", "genesys-cloud")
    return code, output, written


def test_the_stacks_get_the_credentials_file_by_its_path(credentials_file: Path, tmp_path: Path) -> None:
    settings = Settings(
        api_url="http://127.0.0.1:9",
        client_id="",
        client_secret=SecretStr(""),
        platform=Api.GENESYS_CLOUD.value,
        org_credentials=org_credentials(json.dumps(ADMINS)),
        org_credentials_file=str(credentials_file),
    )
    env = environment(Backend("file:///nowhere", LOCAL_PASSPHRASE, tmp_path), settings)
    assert env["ORGACCESS_ORG_CREDENTIALS"] == str(credentials_file)
    assert not any(secret in value for value in env.values() for secret in SECRETS)


def test_a_fleet_up_from_a_credentials_file_acts_in_every_org(fleet_up: tuple[int, str, Path]) -> None:
    _, output, _ = fleet_up
    finished = [line for line in output.splitlines() if line.startswith("fleet up: ")]
    # The two org stacks, each holding its orgs' account clients: genesys-cloud has no accounts stack.
    assert len(finished) == 2 and all(" changed, " in line or "contract-managed" in line for line in finished), output
    # Only org-partner-d's contract-managed license, which no credential can change.
    assert sum("error" in line for line in finished) == 1, output


def test_no_file_the_fleet_writes_holds_an_admin_secret(fleet_up: tuple[int, str, Path]) -> None:
    _, output, written = fleet_up
    files = [path for path in written.rglob("*") if path.is_file()]
    assert len(files) > 10  # project copies, stack configs, logs, state, rate-limit buckets
    leaked = [str(path) for path in files for secret in SECRETS if secret.encode() in path.read_bytes()]
    assert leaked == []
    assert not any(secret in output for secret in SECRETS)
