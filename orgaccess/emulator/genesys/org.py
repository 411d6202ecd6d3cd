"""The caller's org, its license toggles, and the app's call (the data plane) on genesys-cloud."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from orgaccess.emulator import reasons, store
from orgaccess.emulator.access import ANALYTICS, Caller, emulator
from orgaccess.emulator.errors import PLATFORM_ERRORS, ApiError, documented, forbidden
from orgaccess.emulator.genesys.access import Authenticated, data_plane_denials, requires
from orgaccess.emulator.routes.common import not_found
from orgaccess.platform.genesys import permissions, wire

router = APIRouter(responses=documented(*PLATFORM_ERRORS))
ToggleEditor = Annotated[Caller, Depends(requires("directory:organization:admin"))]


@router.get(
    "/api/v2/organizations/me",
    response_model=wire.Organization,
    response_model_exclude_none=True,
    tags=["organizations"],
)
async def get_organization(request: Request, caller: Authenticated) -> wire.Organization:
    with emulator(request).store.read() as db:
        org = store.get_org(db, caller.target)
    return wire.Organization(id=org.id, name=org.name, selfUri=f"/api/v2/organizations/{org.id}")


@router.get(
    "/api/v2/license/toggles/{featureName}",
    response_model=wire.LicenseToggle,
    response_model_exclude_none=True,
    tags=["licenses"],
)
async def get_toggle(featureName: str, request: Request, caller: Authenticated) -> wire.LicenseToggle:
    with emulator(request).store.read() as db:
        feature = store.get_license(db, caller.target, featureName)
    if feature is None:
        raise not_found(f"license feature '{featureName}'")
    return wire.LicenseToggle(featureName=featureName, enabled=feature.enabled)


@router.post(
    "/api/v2/license/toggles/{featureName}",
    response_model=wire.LicenseToggle,
    response_model_exclude_none=True,
    tags=["licenses"],
    responses=documented(409),
)
async def switch_toggle(featureName: str, request: Request, caller: ToggleEditor) -> wire.LicenseToggle:
    """Switches the feature to its other value, as Genesys Cloud's toggle does; a contract-managed
    feature is 409 `license.contract.required`."""
    emu = emulator(request)
    with emu.store.write() as db:
        feature = store.get_license(db, caller.target, featureName)
        if feature is None:
            raise not_found(f"license feature '{featureName}'")
        if not feature.selfService:
            raise ApiError(
                409,
                code=reasons.LICENSE_CONTRACT,
                reason=reasons.LICENSE_CONTRACT,
                message=f"The feature '{featureName}' is managed by contract and cannot be changed by API.",
            )
        store.set_license(db, caller.target, featureName, not feature.enabled)
    if featureName == ANALYTICS:
        emu.propagation.record(
            ("license", caller.target, featureName), feature.enabled, not feature.enabled, emu.visible_at()
        )
    return wire.LicenseToggle(featureName=featureName, enabled=not feature.enabled)


@router.get(
    "/api/v2/recordings/screensessions/details",
    response_model=wire.ScreenRecordingSessions,
    response_model_exclude_none=True,
    tags=["data plane"],
)
async def screen_sessions(request: Request, caller: Authenticated) -> wire.ScreenRecordingSessions:
    """The app's call: needs `recording:screenRecording:view` and the analytics feature on."""
    emu = emulator(request)
    denials = data_plane_denials(emu, caller, permissions.RECORDING_VIEW)
    if denials:
        raise forbidden(",".join(denials))
    with emu.store.read() as db:
        return wire.ScreenRecordingSessions(count=len(store.list_recordings(db, caller.target)))
