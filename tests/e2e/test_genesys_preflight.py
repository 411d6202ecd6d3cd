"""Where each org's admin credentials act is checked before any write, on the real engine.

On genesys-cloud that check is a login to every org: the provider makes it, since it logs in to each
org anyway, and the program checks only that every org has credentials (dialects/base.Definition).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgaccess.demo.genesys import ORGS
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import PROJECT_DIR
from orgaccess.engine.result import Result
from tests.e2e.genesys_support import genesys_403, genesys_stack

pytestmark = pytest.mark.e2e

DECLARATIONS = PROJECT_DIR / "examples" / "genesys-cloud" / "access.yaml"
# Genesys Cloud issues tokens on its login host, at the path the seed platform uses too.
TOKEN_PATH = "/oauth/token"
ADMINS = {org: (f"orgaccess-admin-{n}", f"s3cret-admin-{n}") for org, n in ORGS.items()}


@pytest.fixture(scope="module")
def platform() -> Iterator[EmulatorHandle]:
    yield from genesys_403()


def up_with(platform: EmulatorHandle, tmp_path: Path, admins: dict[str, tuple[str, str]]) -> tuple[Result, list[str]]:
    """An `up` of the example with `admins`, and the writes it made on the platform."""
    before = platform.audit_count()
    result = genesys_stack(tmp_path, platform.url, admins, DECLARATIONS).up()
    calls = platform.audit(since=before)
    writes = [f"{e.method} {e.path}" for e in calls if e.method != "GET" and TOKEN_PATH not in e.path]
    return result, writes


def said(result: Result) -> list[str]:
    return [line for error in result.errors for line in error.message.splitlines()]


def line_of(org: str) -> int:
    return next(n for n, text in enumerate(DECLARATIONS.read_text().splitlines(), 1) if text.endswith(f"id: {org}"))


def test_credentials_that_act_in_another_org_stop_the_up_before_any_write(
    platform: EmulatorHandle, tmp_path: Path
) -> None:
    result, writes = up_with(platform, tmp_path, {**ADMINS, "org-partner-b": ADMINS["org-partner-c"]})

    assert result.returncode != 0
    expected = (
        f"{DECLARATIONS}:{line_of('org-partner-b')}: the credentials given for org 'org-partner-b' act in org "
        "'org-partner-c'"
    )
    assert any(line.startswith(expected) for line in said(result)), said(result)
    assert "Traceback" not in result.output
    assert writes == []


def test_an_org_without_credentials_stops_the_up_before_any_write(platform: EmulatorHandle, tmp_path: Path) -> None:
    result, writes = up_with(platform, tmp_path, {org: c for org, c in ADMINS.items() if org != "org-partner-d"})

    assert result.returncode != 0
    expected = f"{DECLARATIONS}:{line_of('org-partner-d')}: org 'org-partner-d' has no admin credentials"
    assert any(line.startswith(expected) for line in said(result)), said(result)
    assert writes == []


def test_a_preview_logs_in_to_each_org_once(platform: EmulatorHandle, tmp_path: Path) -> None:
    before = platform.audit_count()

    assert genesys_stack(tmp_path, platform.url, ADMINS, DECLARATIONS).preview().returncode == 0

    logins = Counter(e.client for e in platform.audit(since=before) if TOKEN_PATH in e.path)
    assert logins == Counter({client_id: 1 for client_id, _ in ADMINS.values()})
