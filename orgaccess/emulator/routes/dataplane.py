"""The data plane: screen-recording metadata, allowed only when none of C1-C5 applies."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from orgaccess.emulator import store
from orgaccess.emulator.access import Authenticated, authenticated, data_plane_denials, emulator
from orgaccess.emulator.errors import PLATFORM_ERRORS, documented, forbidden
from orgaccess.emulator.routes.common import Paging, not_found
from orgaccess.platform.models import Page, ScreenRecording
from orgaccess.vocabulary import Permission

router = APIRouter(
    prefix="/api/v2/analytics/screenrecordings", tags=["data plane"], responses=documented(*PLATFORM_ERRORS)
)


@router.get("", response_model=Page[ScreenRecording], openapi_extra=Paging.documented())
async def list_recordings(request: Request) -> dict[str, Any]:
    caller = authenticated(request)
    page = Paging.of(request)
    emu = emulator(request)
    denials = data_plane_denials(emu, caller, Permission.RECORDING_VIEW, scope=Permission.RECORDING_VIEW)
    if denials:
        raise forbidden(",".join(denials))
    with emu.store.read() as db:
        return page.page(store.list_recordings(db, caller.target))


@router.delete("/{recordingId}", status_code=204, response_class=Response)
async def delete_recording(recordingId: str, request: Request, caller: Authenticated) -> None:
    """Needs `admin:screen_recordings` in the target org; no token scope."""
    emu = emulator(request)
    denials = data_plane_denials(emu, caller, Permission.SCREEN_RECORDING_ADMIN, scope=None)
    if denials:
        raise forbidden(",".join(denials))
    with emu.store.write() as db:
        if not store.delete_recording(db, caller.target, recordingId):
            raise not_found(f"screen recording '{recordingId}'")
