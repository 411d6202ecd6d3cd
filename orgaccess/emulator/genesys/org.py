"""The caller's org, its license toggles, and the app's call (the data plane) on genesys-cloud."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request

from orgaccess.emulator import reasons, store
from orgaccess.emulator.access import Caller, emulator
from orgaccess.emulator.errors import PLATFORM_ERRORS, documented, forbidden
from orgaccess.emulator.genesys.access import authenticated, data_plane_denials, reached_divisions, requires
from orgaccess.emulator.routes.common import contract_managed, license_or_404
from orgaccess.platform.genesys import permissions, wire
from orgaccess.vocabulary import ANALYTICS

router = APIRouter(responses=documented(*PLATFORM_ERRORS))
F = TypeVar("F", bound=Callable[..., Any])


def _route(method: str, path: str, model: type, tag: str, *errors: int) -> Callable[[F], F]:
    # Genesys leaves absent fields out rather than answering null.
    return router.api_route(
        path,
        methods=[method],
        response_model=model,
        response_model_exclude_none=True,
        tags=[tag],
        responses=documented(*errors),
    )


ToggleEditor = Annotated[Caller, Depends(requires("directory:organization:admin"))]


@_route("GET", "/api/v2/organizations/me", wire.Organization, "organizations")
async def get_organization(request: Request) -> wire.Organization:
    caller = authenticated(request)
    with emulator(request).store.read() as db:
        org = store.get_org(db, caller.target)
    # The emulator never edits an org's settings, so each stays at its first version.
    return wire.Organization(id=org.id, name=org.name, version=1, selfUri=f"/api/v2/organizations/{org.id}")


@_route("GET", "/api/v2/license/toggles/{featureName}", wire.LicenseToggle, "licenses")
async def get_toggle(featureName: str, request: Request) -> wire.LicenseToggle:
    caller = authenticated(request)
    with emulator(request).store.read() as db:
        feature = license_or_404(db, caller.target, featureName)
    return wire.LicenseToggle(featureName=featureName, enabled=feature.enabled)


@_route("POST", "/api/v2/license/toggles/{featureName}", wire.LicenseToggle, "licenses", 409)
async def switch_toggle(featureName: str, request: Request, caller: ToggleEditor) -> wire.LicenseToggle:
    """Switches the feature to its other value, as Genesys Cloud's toggle does; a contract-managed
    feature is 409 `license.contract.required`."""
    emu = emulator(request)
    with emu.store.write() as db:
        feature = license_or_404(db, caller.target, featureName)
        if not feature.selfService:
            raise contract_managed(featureName)
        store.set_license(db, caller.target, featureName, not feature.enabled)
    if featureName == ANALYTICS:
        emu.propagation.record(
            ("license", caller.target, featureName), feature.enabled, not feature.enabled, emu.visible_at()
        )
    return wire.LicenseToggle(featureName=featureName, enabled=not feature.enabled)


@_route("GET", "/api/v2/recordings/screensessions/details", wire.ScreenRecordingSessions, "data plane")
async def screen_sessions(request: Request) -> wire.ScreenRecordingSessions:
    """The app's call: needs `recording:screenRecording:view` and the analytics feature on; counts
    only the recordings in divisions where a role carrying that permission is granted (or `*`)."""
    caller = authenticated(request)
    emu = emulator(request)
    denials = data_plane_denials(emu, caller, permissions.RECORDING_VIEW)
    if denials:
        raise forbidden(",".join(denials))
    with emu.store.read() as db:
        reach = reached_divisions(db, caller, permissions.RECORDING_VIEW)
        held = store.recording_divisions(db, caller.target)
    seen = {division: n for division, n in held.items() if store.ALL_DIVISIONS in reach or division in reach}
    if seen != held:
        request.state.audit_reason = reasons.C7
    return wire.ScreenRecordingSessions(count=sum(seen.values()))
