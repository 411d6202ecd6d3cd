"""A name on the platform cannot drive the terminal or the markdown it is printed into.

Someone with write access to a partner org grants Premium App a role whose name clears the screen
(ESC [2J), reverses the text after it (U+202E), and carries a markdown link and an HTML tag. Every
report that shows the name shows it escaped.
"""

from __future__ import annotations

import re

import pytest

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.models import RoleSpec
from tests.cli.support import ADMIN_ID, ADMIN_SECRET, Cli

ORG = "org-partner-a"
HOSTILE = "Analyst\x1b[2J\u202e[click](https://evil.example)<img src=x>"
RAW = ("\x1b", "\u202e")
# Markdown that would act: a link's `](` or an HTML tag, not preceded by a backslash.
UNESCAPED = re.compile(r"(?<!\\)(\]\(|<img)")


@pytest.fixture
def hostile_grant(emulator: EmulatorHandle) -> None:
    with PlatformClient(emulator.url, ADMIN_ID, ADMIN_SECRET) as admin:
        role = admin.create_role(ORG, RoleSpec(name=HOSTILE, permissions=["analytics:read"]))
        admin.grant_role(ORG, "premium-app", role.id)


@pytest.mark.usefixtures("hostile_grant")
def test_the_drift_table_shows_a_hostile_live_name_escaped(cli: Cli) -> None:
    run = cli("drift")
    assert run.code == 2
    assert not [c for c in RAW if c in run.stdout]
    assert r"Analyst\x1b[2J\u202e[click]" in run.stdout


@pytest.mark.usefixtures("hostile_grant")
def test_the_markdown_drift_report_shows_a_hostile_live_name_as_inert_text(cli: Cli) -> None:
    run = cli("drift", "--format", "markdown")
    assert run.code == 2
    assert not [c for c in RAW if c in run.stdout]
    # Inside a code span markdown is shown as typed; everywhere else it must be escaped.
    assert not UNESCAPED.search(re.sub(r"`[^`]*`", "", run.stdout))


@pytest.mark.usefixtures("hostile_grant")
def test_doctor_shows_a_hostile_live_name_escaped(cli: Cli) -> None:
    run = cli("doctor")
    assert not [c for c in RAW if c in run.stdout + run.stderr]


@pytest.mark.usefixtures("hostile_grant")
def test_export_refuses_a_hostile_live_name_and_says_so_escaped(cli: Cli) -> None:
    # access.yaml refuses such a name, so an export holding it would be refused when loaded.
    run = cli("export", "--org", "org-primary", "--org", ORG)
    assert run.code == 1 and run.stdout == ""
    assert "U+202E" in run.stderr or "U+001B" in run.stderr
    assert not [c for c in RAW if c in run.stderr]
