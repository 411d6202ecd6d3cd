"""What the processes a measured step starts below this one use, sampled while it runs: per role, the
peak memory of one of its processes and the CPU seconds of all of them together.

A role is named by a whole argument of its processes' command lines (or its file name); a process
matching none counts as `other`, and the measuring process itself (which runs the fleet as
`orgaccess fleet` does, and this sampler) as `self`. The dynamic provider runs as
`python -m pulumi.dynamic` (started by the `pulumi-resource-pulumi-python` shim) and lives only as
long as one `pulumi` command. CPU is each process's as last sampled less what it had when the step
began, so a process that ends between two samples loses at most one interval's CPU. A role's command
line is read once: sampling costs about 2% of a core with 25 processes below (13% for the four
samplers of peak memory before it, which the fleet's figures carried).
"""

from __future__ import annotations

import resource
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath

import psutil

SAMPLE_SECONDS = 0.2
PROVIDER = ("pulumi.dynamic",)
OTHER = "other"
SELF = "self"


@dataclass
class ProcessUse:
    roles: Mapping[str, tuple[str, ...]]
    peak_bytes: dict[str, int] = field(default_factory=dict)
    # pid -> (role, CPU seconds when first seen in this step, CPU seconds when last seen).
    cpu: dict[int, tuple[str, float, float]] = field(default_factory=dict)
    self_cpu: float = 0.0

    @property
    def peak_mib(self) -> dict[str, float]:
        return {role: round(self.peak_bytes.get(role, 0) / 2**20, 1) for role in self.roles}

    @property
    def cpu_seconds(self) -> dict[str, float]:
        spent = dict.fromkeys([*self.roles, OTHER], 0.0)
        for role, first, last in self.cpu.values():
            spent[role] += last - first
        return {role: round(seconds, 1) for role, seconds in {**spent, SELF: self.self_cpu}.items()}

    def sample(self, *, baseline: bool = False) -> None:
        for process in psutil.Process().children(recursive=True):
            known = self.cpu.get(process.pid)
            try:
                role = known[0] if known else self._role(process.cmdline())
                with process.oneshot():
                    times = process.cpu_times()
                    rss = int(process.memory_info().rss)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            now = times.user + times.system
            # A process alive when the step began counts from there; one born in it, from nothing.
            first = known[1] if known else (now if baseline else 0.0)
            self.cpu[process.pid] = (role, first, now)
            if role != OTHER:
                self.peak_bytes[role] = max(self.peak_bytes.get(role, 0), rss)

    def _role(self, argv: list[str]) -> str:
        for role, markers in self.roles.items():
            if any(part in markers or PurePath(part).name in markers for part in argv):
                return role
        return OTHER


def _own_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


@contextmanager
def process_use(roles: Mapping[str, tuple[str, ...]]) -> Iterator[ProcessUse]:
    """Samples until the block ends: each role's peak memory and CPU seconds, and this process's CPU."""
    use = ProcessUse(roles)
    use.sample(baseline=True)
    began = _own_cpu()
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_SECONDS):
            use.sample()

    sampler = threading.Thread(target=sample, name="process-use", daemon=True)
    sampler.start()
    try:
        yield use
    finally:
        done.set()
        sampler.join()
        use.sample()
        use.self_cpu = _own_cpu() - began
