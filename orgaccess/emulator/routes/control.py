"""The emulator's own control plane under `/_emulator/`: scenario, audit, faults, clock. Loopback only."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field

from orgaccess.emulator import scenario
from orgaccess.emulator.access import emulator
from orgaccess.emulator.errors import ApiError, bad_request, documented
from orgaccess.emulator.query import QueryString
from orgaccess.platform.models import AuditEntry, EmulatorClock, Faults

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


async def _loopback_only(request: Request) -> None:
    if request.client is None or request.client.host not in _LOOPBACK:
        raise ApiError(403, message="The emulator's control plane answers only on loopback.")


router = APIRouter(
    prefix="/_emulator",
    tags=["emulator control"],
    dependencies=[Depends(_loopback_only)],
    responses=documented(400, 403),
)


@router.post("/scenario", status_code=204, response_class=Response)
async def load_scenario(body: scenario.Scenario, request: Request) -> None:
    """Replaces all platform state (and tokens) with the scenario's."""
    problems = scenario.check_references(body)
    if problems:
        raise bad_request("; ".join(f"body.{problem}" for problem in problems))
    emulator(request).load(body)


class AuditQuery(QueryString):
    since: int = Field(0, ge=0)


@router.get("/audit", response_model=list[AuditEntry], openapi_extra=AuditQuery.documented())
async def read_audit(request: Request) -> list[AuditEntry]:
    """Every platform request in order; `since=N` returns the entries after the N-th."""
    return emulator(request).audit.since(AuditQuery.of(request).since)


@router.get("/audit/count", response_model=dict[str, int])
async def count_audit(request: Request) -> dict[str, int]:
    """`{"count": n}`: how many entries the audit log holds, without shipping them."""
    return {"count": len(emulator(request).audit)}


@router.get("/faults", response_model=Faults)
async def read_faults(request: Request) -> Faults:
    return emulator(request).faults


@router.put("/faults", response_model=Faults)
async def set_faults(faults: Faults, request: Request) -> Faults:
    emulator(request).set_faults(faults)
    return faults


@router.get("/clock", response_model=EmulatorClock)
async def read_clock(request: Request) -> EmulatorClock:
    return EmulatorClock(offsetSeconds=emulator(request).clock.offset)


@router.put("/clock", response_model=EmulatorClock)
async def set_clock(clock: EmulatorClock, request: Request) -> EmulatorClock:
    """Moves the emulator's clock ahead of wall time, e.g. past a token's expiry."""
    emulator(request).clock.offset = clock.offsetSeconds
    return clock
