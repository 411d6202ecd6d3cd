"""`GET /api/v2/organizations/me`: the target org and its links."""

from __future__ import annotations

from fastapi import APIRouter, Request

from orgaccess.emulator import store
from orgaccess.emulator.access import addressed, emulator
from orgaccess.emulator.errors import PLATFORM_ERRORS, documented
from orgaccess.platform.models import Organization

router = APIRouter(prefix="/api/v2/organizations", tags=["organizations"], responses=documented(*PLATFORM_ERRORS))


@router.get("/me", response_model=Organization)
async def get_organization(request: Request) -> Organization:
    """The target org; any valid token may read an org it can address."""
    caller = addressed(request)
    with emulator(request).store.read() as db:
        return store.get_org(db, caller.target)
