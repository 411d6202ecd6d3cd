"""The drift page in a real browser: Debian's headless Chromium (scripts/chromium.sh), driven by Selenium.

The page is made by the real command against the emulator's seed-403, then checked as a person
uses it: one row per org, the drifted ones marked, the filter, an org opened. A screenshot is
kept under the test's tmp dir (docs/img/drift-page.png is written by `make drift-page` only).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from selenium.webdriver import Chrome
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from bench.browser import BrowserError, chromium_paths, headless_chromium, open_page, timed_script
from orgaccess.reports.driftpage import Source, render
from tests.cli import pagegen
from tests.cli.support import Cli

ORGS = ["org-primary", "org-partner-a", "org-partner-b", "org-partner-c", "org-partner-d"]
RENDER_BUDGET_MS = 1000
# Clearing the filter of 5,000 orgs, in the browser's main-thread time: 106-166 ms with off-screen
# rows skipped, 771-899 ms when every row is laid out again. The goal (200 ms) is the bench's to show
# (bench/drift_page.py); this spec only keeps the skipping, with room for a busy CI runner.
FILTER_BUDGET_MS = 400
_TYPE = """
const box = document.getElementById('filter');
box.value = arguments[0];
box.dispatchEvent(new Event('input'));
document.body.getBoundingClientRect();
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Chrome]:
    # Installed here on a clean machine; a failure says why, rather than skipping the browser tests.
    try:
        chromium_paths()
    except BrowserError as exc:
        pytest.fail(f"the drift page tests need headless Chromium and it could not be installed:\n{exc}", pytrace=False)
    with headless_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(cli: Cli, browser: Chrome) -> Chrome:
    """seed-403's drift page, written by `orgaccess drift --format html`, open in the browser."""
    run = cli("drift", "--format", "html", "--output", "drift.html")
    assert run.code == 2, run.stderr
    open_page(browser, cli.cwd / "drift.html")
    return browser


def _visible_orgs(browser: Chrome) -> list[str]:
    return [row.get_attribute("data-org") or "" for row in _org_rows(browser) if row.is_displayed()]


def _org_rows(browser: Chrome) -> list[WebElement]:
    return browser.find_elements(By.CSS_SELECTOR, "#grid tr.org")


def test_one_row_per_org_with_the_drifted_ones_marked(page: Chrome, tmp_path: Path) -> None:
    states = {row.get_attribute("data-org"): row.get_attribute("data-state") for row in _org_rows(page)}

    assert list(states) == ORGS
    assert states == {**dict.fromkeys(ORGS, "drift"), "org-partner-d": "not fixable"}
    license_cell = page.find_element(By.CSS_SELECTOR, 'tr.org[data-org="org-partner-d"] td:nth-of-type(5)')
    assert license_cell.text == "not fixable" and license_cell.get_attribute("class") == "x"
    assert page.save_screenshot(str(tmp_path / "drift-page.png"))
    assert (tmp_path / "drift-page.png").stat().st_size > 10_000


def test_the_filter_box_shows_only_matching_orgs(page: Chrome) -> None:
    page.find_element(By.ID, "filter").send_keys("partner-b")

    assert _visible_orgs(page) == ["org-partner-b"]
    assert page.find_element(By.ID, "shown").text == "1 of 5 orgs shown"


def test_the_count_of_orgs_shown_is_a_status_that_screen_readers_announce(page: Chrome) -> None:
    page.find_element(By.ID, "filter").send_keys("drift")

    count = page.find_element(By.ID, "shown")
    assert count.aria_role == "status"
    assert count.text == "4 of 5 orgs shown"


def test_a_total_shows_only_the_orgs_in_its_state(page: Chrome) -> None:
    page.find_element(By.CSS_SELECTOR, '.totals button[data-state="not fixable"]').click()

    assert _visible_orgs(page) == ["org-partner-d"]


def test_one_click_on_an_org_shows_its_drift_field_by_field(page: Chrome) -> None:
    detail = page.find_element(By.CSS_SELECTOR, 'tr.org[data-org="org-partner-b"] + tr.detail')
    assert not detail.is_displayed()

    page.find_element(By.CSS_SELECTOR, 'tr.org[data-org="org-partner-b"] button').click()

    assert detail.is_displayed()
    record = detail.find_element(By.CSS_SELECTOR, "td > table > tbody > tr")
    assert [td.text for td in record.find_elements(By.TAG_NAME, "td")] == [
        "Role",
        "org-partner-b/Recording Analyst",
        "permissions",
        "recording:view",
        "analytics:read",
        "pulumi up",
    ]


def test_an_opened_org_that_the_filter_hides_is_closed_and_stays_closed_when_shown_again(page: Chrome) -> None:
    button = page.find_element(By.CSS_SELECTOR, 'tr.org[data-org="org-partner-b"] button')
    detail = page.find_element(By.CSS_SELECTOR, 'tr.org[data-org="org-partner-b"] + tr.detail')
    button.click()
    box = page.find_element(By.ID, "filter")

    box.send_keys("partner-c")
    assert not detail.is_displayed()
    box.send_keys(Keys.BACKSPACE * len("partner-c"))

    assert "org-partner-b" in _visible_orgs(page)
    assert not detail.is_displayed() and button.get_attribute("aria-expanded") == "false"
    assert page.find_element(By.ID, "shown").text == "5 of 5 orgs shown"


def test_a_page_of_500_orgs_renders_in_under_a_second_of_browser_time(browser: Chrome, tmp_path: Path) -> None:
    (tmp_path / "access.yaml").write_text("homeOrg: org-primary\n")
    path = tmp_path / "drift.html"
    path.write_text(render(pagegen.fleet(500), Source(tmp_path / "access.yaml", datetime.now(UTC))))

    # Thread time, not wall time: on a shared CI machine the wall clock measures the neighbours.
    # The median of three loads: the first also pays for the browser's own warm-up.
    cpu_ms = statistics.median(open_page(browser, path).cpu_ms for _ in range(3))

    assert len(_org_rows(browser)) == 500
    assert cpu_ms < RENDER_BUDGET_MS


def test_clearing_the_filter_of_5000_orgs_skips_laying_out_the_rows_off_screen(browser: Chrome, tmp_path: Path) -> None:
    (tmp_path / "access.yaml").write_text("homeOrg: org-primary\n")
    path = tmp_path / "drift.html"
    path.write_text(render(pagegen.fleet(5000), Source(tmp_path / "access.yaml", datetime.now(UTC))))
    open_page(browser, path)

    cleared = []
    for _ in range(3):
        timed_script(browser, _TYPE, "org-partner-0042")
        cleared.append(timed_script(browser, _TYPE, "")[1])

    assert browser.find_element(By.ID, "shown").text == "5000 of 5000 orgs shown"
    assert statistics.median(cleared) < FILTER_BUDGET_MS
