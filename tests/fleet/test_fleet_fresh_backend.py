"""A fleet's first run on an empty PostgreSQL database: every stack opens, however many start at once."""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import SecretStr

from orgaccess.engine.automation import LOCAL_PASSPHRASE
from orgaccess.fleet.layout import StackSpec
from orgaccess.fleet.workspace import Backend, environment, open_stack
from orgaccess.platform.settings import Settings
from tests.fleet.fleet_support import isolated

pytestmark = pytest.mark.e2e

AT_ONCE = 8
SETTINGS = Settings(api_url="http://127.0.0.1:9", client_id="id", client_secret=SecretStr("secret"))


# Each try is a new table: the race is only there while the table does not exist yet. Without the
# retry, two of three runs of these three tries lost it at least once.
@pytest.mark.parametrize("attempt", range(3))
def test_stacks_opened_at_once_on_a_fresh_state_table_all_open(attempt: int, postgres_url: str, tmp_path: Path) -> None:
    backend = Backend(isolated(postgres_url), LOCAL_PASSPHRASE, tmp_path)
    specs = [StackSpec(f"orgs-{i}-of-{AT_ONCE}", f"{i}/{AT_ONCE}", ()) for i in range(AT_ONCE)]
    opening = functools.partial(
        _open, declarations=tmp_path / "access.yaml", backend=backend, env=environment(backend, SETTINGS)
    )
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        opened = sorted(pool.map(opening, specs))
    assert opened == sorted(spec.name for spec in specs)


def _open(spec: StackSpec, *, declarations: Path, backend: Backend, env: dict[str, str]) -> str:
    return open_stack(spec, declarations, backend, SETTINGS, env).name
