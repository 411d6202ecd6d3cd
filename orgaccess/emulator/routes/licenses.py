"""License features of the target org; contract-managed ones cannot be changed by API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from orgaccess.emulator import store
from orgaccess.emulator.access import Caller, allowed, emulator, requires
from orgaccess.emulator.errors import PLATFORM_ERRORS, documented
from orgaccess.emulator.routes.common import contract_managed, license_or_404
from orgaccess.platform.models import LicenseFeature, LicenseFeatureList, LicenseFeatureUpdate
from orgaccess.vocabulary import ANALYTICS, Permission

router = APIRouter(prefix="/api/v2/license/features", tags=["licenses"], responses=documented(*PLATFORM_ERRORS))
Editor = Annotated[Caller, Depends(requires(Permission.LICENSES_EDIT))]


@router.get("", response_model=LicenseFeatureList)
async def list_features(request: Request) -> LicenseFeatureList:
    caller = allowed(request, Permission.SECURITY_READ)
    with emulator(request).store.read() as db:
        return LicenseFeatureList(entities=store.list_licenses(db, caller.target))


@router.put("/{name}", response_model=LicenseFeature, responses=documented(409))
async def set_feature(
    name: str,
    update: LicenseFeatureUpdate,
    request: Request,
    caller: Editor,
) -> LicenseFeature:
    """Switches a self-service feature; a contract-managed one is 409 `license.contract.required`."""
    emu = emulator(request)
    with emu.store.write() as db:
        feature = license_or_404(db, caller.target, name)
        if not feature.selfService:
            raise contract_managed(name)
        store.set_license(db, caller.target, name, update.enabled)
    if name == ANALYTICS:
        emu.propagation.record(("license", caller.target, name), feature.enabled, update.enabled, emu.visible_at())
    return LicenseFeature(name=name, enabled=update.enabled, selfService=True)
