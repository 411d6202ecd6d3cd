"""Headless Chromium from Debian's packages (scripts/chromium.sh), driven by Selenium through its chromedriver.

    with headless_chromium() as browser:
        browser.get(page.as_uri())

The driver is given explicitly, so Selenium never looks for (or downloads) a browser of its own.
Used by the drift page's browser tests and by `make drift-page` (screenshot and render time).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "chromium.sh"
# The first run may install chromium with apt-get.
INSTALL_TIMEOUT_SECONDS = 900
WINDOW = (1280, 800)


class BrowserError(RuntimeError):
    """No browser could be installed or started; the message is the script's own explanation."""


def chromium_paths() -> tuple[str, str]:
    """(chromium, chromedriver), installed by scripts/chromium.sh when missing."""
    done = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=INSTALL_TIMEOUT_SECONDS, check=False)
    if done.returncode != 0:
        raise BrowserError(done.stderr.strip() or f"{SCRIPT} exited {done.returncode}")
    chromium, driver = done.stdout.split()
    return chromium, driver


@contextmanager
def headless_chromium(window: tuple[int, int] = WINDOW) -> Iterator[webdriver.Chrome]:
    """A fresh headless browser with a profile of its own, quit on exit."""
    chromium, driver = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        # The tests run as root in CI, where Chromium's sandbox cannot start.
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={window[0]},{window[1]}",
    ):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    try:
        yield browser
    finally:
        browser.quit()


@dataclass(frozen=True)
class PageLoad:
    # Navigation start to the end of the load event, as the page's own timing tells it.
    wall_ms: float
    # The renderer's main thread busy on it (thread time): what the page costs, whatever else the machine runs.
    cpu_ms: float


def open_page(browser: webdriver.Chrome, page: Path) -> PageLoad:
    """Loads `page` (a file) and says what it took."""
    browser.execute_cdp_cmd("Performance.enable", {"timeDomain": "threadTicks"})
    browser.get("about:blank")
    before = _task_seconds(browser)
    browser.get(page.resolve().as_uri())
    cpu = _task_seconds(browser) - before
    timing = browser.execute_script("return performance.getEntriesByType('navigation')[0].toJSON()")
    return PageLoad(wall_ms=float(timing["loadEventEnd"]), cpu_ms=cpu * 1000)


def timed_script(browser: webdriver.Chrome, script: str, *args: object) -> tuple[Any, float]:
    """Runs `script` in a page opened by `open_page`: its result, and the main thread's busy time meanwhile (ms)."""
    before = _task_seconds(browser)
    result = browser.execute_script(script, *args)
    return result, (_task_seconds(browser) - before) * 1000


def _task_seconds(browser: webdriver.Chrome) -> float:
    metrics = browser.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "TaskDuration"))
