"""Peak memory of the processes a measured step starts below this one, sampled while it runs.

The dynamic provider runs as `python -m pulumi.dynamic` (started by the
`pulumi-resource-pulumi-python` shim) and lives only as long as one `pulumi` command.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath

import psutil

SAMPLE_SECONDS = 0.1
PROVIDER = ("pulumi.dynamic",)


class PeakRss:
    def __init__(self) -> None:
        self.bytes = 0

    @property
    def mib(self) -> float:
        return round(self.bytes / 2**20, 1)


def _rss_of_matching(markers: tuple[str, ...]) -> int:
    """The largest RSS among descendants with a marker as a whole argument (or its file name)."""
    largest = 0
    for process in psutil.Process().children(recursive=True):
        try:
            argv = process.cmdline()
            if any(part in markers or PurePath(part).name in markers for part in argv):
                largest = max(largest, int(process.memory_info().rss))
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return largest


@contextmanager
def peak_rss(markers: tuple[str, ...]) -> Iterator[PeakRss]:
    """Samples until the block ends; `.bytes` is the largest RSS of one matching process."""
    peak = PeakRss()
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_SECONDS):
            peak.bytes = max(peak.bytes, _rss_of_matching(markers))

    sampler = threading.Thread(target=sample, name="peak-rss", daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()
