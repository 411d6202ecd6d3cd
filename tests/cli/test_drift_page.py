"""`orgaccess drift --format html`: one self-contained page, escaped, small, with the other formats' exit codes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.reconciler.drift import Drift
from orgaccess.reports.driftpage import Source, render
from orgaccess.reports.health import OrgHealth, State, columns
from tests.cli import pagegen
from tests.cli.support import AS_LIVE, Cli, without_admin_in

MIB = 2**20
HOSTILE = '<script>alert("x")</script>'


def _page(orgs: list[OrgHealth], tmp_path: Path) -> str:
    declarations = tmp_path / "access.yaml"
    declarations.write_text("homeOrg: org-primary\n")
    return render(orgs, Source(declarations, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)))


def test_a_page_of_500_orgs_is_under_one_mebibyte(tmp_path: Path) -> None:
    page = _page(pagegen.fleet(500), tmp_path)

    assert page.count('<tr class="org"') == 500
    assert len(page.encode()) < MIB


def test_nothing_is_loaded_from_the_network(tmp_path: Path) -> None:
    page = _page(pagegen.fleet(20), tmp_path)

    assert not re.search(r"""(src|href)\s*=|@import|url\(|<link|<iframe|<object""", page, re.IGNORECASE)
    assert "default-src 'none'" in page


def test_platform_strings_are_escaped_everywhere(tmp_path: Path) -> None:
    hostile = pagegen.org(f"org-{HOSTILE}", drifted=True)
    record = Drift(
        org=hostile.org,
        kind="Role",
        name=f"{hostile.org}/{HOSTILE}",
        field="permissions",
        declared=[HOSTILE],
        actual=["</td></tr></table>"],
    )
    unreadable = pagegen.org("org-gone", error=f"403 Forbidden in org 'org-gone': {HOSTILE}")
    page = _page([OrgHealth(hostile.org, hostile.cells, [record], hostile.failed), unreadable], tmp_path)

    assert "<script>alert" not in page and "</td></tr></table>" not in page
    assert page.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") >= 4
    assert page.count("<script>") == 1  # the page's own


def test_the_page_names_its_time_and_declarations_file(tmp_path: Path) -> None:
    page = _page(pagegen.fleet(3), tmp_path)

    assert '<time datetime="2026-01-02T03:04:05+00:00">' in page
    assert f"<code>{tmp_path / 'access.yaml'}</code>" in page


def test_each_org_is_one_row_with_a_cell_per_check(tmp_path: Path) -> None:
    page = _page([pagegen.org("org-a"), pagegen.org("org-b", drifted=True, fixable=False)], tmp_path)

    rows = re.findall(r'<tr class="org" data-org="([^"]+)" data-state="([^"]+)">(.*?)</tr>', page)
    assert [(org, state) for org, state, _ in rows] == [("org-a", "ok"), ("org-b", State.NOT_FIXABLE.value)]
    assert all(cells.count("<td") == len(columns()) + 1 for _, _, cells in rows)


def test_html_exits_2_on_drift_like_the_other_formats(cli: Cli) -> None:
    run = cli("drift", "--format", "html", "--output", "drift.html")

    assert run.code == 2, run.stderr
    assert run.stdout == "1 not fixable, 4 drift of 5 orgs; written to drift.html\n"
    page = (cli.cwd / "drift.html").read_text()
    assert page.startswith("<!doctype html>") and page.count('<tr class="org"') == 5


def test_html_exits_0_without_drift(cli: Cli) -> None:
    (cli.cwd / "as-live.yaml").write_text(AS_LIVE)

    run = cli("drift", "--format", "html", "--declarations", "as-live.yaml")

    assert run.code == 0, run.stderr
    assert "no drift in 2 orgs" in run.stdout


def test_an_org_that_cannot_be_read_is_shown_unreadable_and_exits_1(cli: Cli, emulator: EmulatorHandle) -> None:
    emulator.load_scenario(without_admin_in("org-partner-c"))

    run = cli("drift", "--format", "html", "--output", "drift.html")

    assert run.code == 1, run.stdout + run.stderr
    page = (cli.cwd / "drift.html").read_text()
    (row,) = re.findall(r'<tr class="org" data-org="org-partner-c" data-state="([^"]+)"', page)
    assert row == State.UNREADABLE.value
    assert "Could not read this org: 403" in page
    assert page.count('<tr class="org"') == 5
