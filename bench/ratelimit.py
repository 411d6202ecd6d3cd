"""A fleet `up` at a binding rate limit against its floor: the rate limit's own cost, and no more.

The platform refills each (client, org) bucket at `perMinute / 60` a second after a burst of
`perMinute`, so an `up` cannot end before its busiest org's calls beyond the burst have trickled
through. The floor is that wait plus the same `up`'s time without a limit:

    floor = (busiest org's calls in the unlimited up - perMinute) / (perMinute / 60) + unlimited up

Both runs start from the same drifted fleet, on an emulator and a state backend of their own.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.audit import calls_per_org
from bench.fleet_platform import UNTHROTTLED, dialect, fleet_login, serving
from orgaccess.declarations.access_yaml import load_declarations
from orgaccess.emulator.fleet_scenario import Fleet
from orgaccess.engine.automation import LOCAL_PASSPHRASE
from orgaccess.fleet.admission import Jobs
from orgaccess.fleet.layout import fleet_stacks
from orgaccess.fleet.runner import Operation, run_fleet
from orgaccess.fleet.workspace import Backend

RATE_LIMITED = 429


@dataclass(frozen=True)
class Run:
    seconds: float
    calls: int
    rate_limited: int
    busiest_org: str
    busiest_org_calls: int
    errors: dict[str, str]


@dataclass(frozen=True)
class Paced:
    per_minute: int
    limited: Run
    unlimited: Run

    @property
    def floor(self) -> float:
        beyond_burst = max(0, self.unlimited.busiest_org_calls - self.per_minute)
        return beyond_burst / (self.per_minute / 60) + self.unlimited.seconds

    @property
    def over_floor(self) -> float:
        return self.limited.seconds / self.floor

    @property
    def share_429(self) -> float:
        return self.limited.rate_limited / max(1, self.limited.calls)

    def figures(self) -> dict[str, Any]:
        return {
            "rateLimitPerMinute": self.per_minute,
            "limited": asdict(self.limited),
            "unlimited": asdict(self.unlimited),
            "floorSeconds": round(self.floor, 1),
            "overFloor": round(self.over_floor, 3),
            "share429": round(self.share_429, 4),
        }


def fleet_up(
    fleet: Fleet,
    work: Path,
    backend_url: str,
    *,
    per_minute: int,
    stacks: int,
    jobs: Jobs,
    latency_ms: int = 0,
) -> Run:
    """One `orgaccess fleet up` of `fleet` from scratch, at `per_minute`, as the platform saw it."""
    work.mkdir(parents=True)
    declarations = work / "access.yaml"
    declarations.write_text(fleet.declarations_yaml)
    specs = fleet_stacks(load_declarations(declarations, dialect(fleet)), stacks, dialect(fleet))
    login = fleet_login(fleet, work)
    with serving(fleet, latency_ms, per_minute) as emulator:
        settings = login.settings(emulator.url)
        backend = Backend(backend_url, LOCAL_PASSPHRASE, work / "fleet")
        started = time.monotonic()
        outcomes = run_fleet(
            Operation.UP,
            specs,
            declarations=declarations,
            backend=backend,
            settings=settings,
            jobs=jobs,
        )
        seconds = time.monotonic() - started
        entries = emulator.audit()
    per_org = calls_per_org(entries)
    busiest = max(per_org, key=lambda org: per_org[org])
    return Run(
        seconds=round(seconds, 1),
        calls=sum(per_org.values()),
        rate_limited=sum(1 for entry in entries if entry.status == RATE_LIMITED),
        busiest_org=busiest,
        busiest_org_calls=per_org[busiest],
        errors={o.stack.name: o.error for o in outcomes if o.error},
    )


def paced_up(
    fleet: Fleet,
    work: Path,
    backend_url: str,
    *,
    per_minute: int,
    stacks: int,
    jobs: Jobs,
    latency_ms: int = 0,
) -> Paced:
    """The same `up` without a limit, then at `per_minute`; each on a fresh platform and state.

    `backend_url`: a PostgreSQL URL with a query string (`&table=` is added per run), or a
    `file://` directory (a subdirectory per run)."""

    def backend(name: str) -> str:
        if backend_url.startswith("file://"):
            directory = Path(backend_url.removeprefix("file://")) / f"backend-{name}"
            directory.mkdir(parents=True)
            return f"file://{directory}"
        return f"{backend_url}&table=ratelimit_{name}_{time.time_ns()}"

    def up(name: str, limit: int) -> Run:
        return fleet_up(
            fleet, work / name, backend(name), per_minute=limit, stacks=stacks, jobs=jobs, latency_ms=latency_ms
        )

    unlimited = up("unlimited", UNTHROTTLED)
    limited = up("limited", per_minute)
    return Paced(per_minute, limited, unlimited)
