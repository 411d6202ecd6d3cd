"""Grants: which roles a subject (a service account) holds in the target org."""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from orgaccess.emulator import store
from orgaccess.emulator.access import Caller, allowed, check_grant, emulator, requires
from orgaccess.emulator.errors import PLATFORM_ERRORS, documented
from orgaccess.emulator.routes.common import Paging, not_found, role_or_404
from orgaccess.platform.models import Page, Role
from orgaccess.vocabulary import Permission

router = APIRouter(
    prefix="/api/v2/security/subjects/{subjectId}/roles",
    tags=["grants"],
    responses=documented(*PLATFORM_ERRORS),
)
Editor = Annotated[Caller, Depends(requires(Permission.ROLES_EDIT))]


def _require_subject(db: sqlite3.Connection, caller: Caller, subject: str) -> None:
    # A subject is an account of the target org or of an org linked to it.
    record = store.get_client(db, subject)
    if record is None or not (record.org_id == caller.target or store.is_linked(db, caller.target, record.org_id)):
        raise not_found(f"subject '{subject}'")


@router.get("", response_model=Page[Role], openapi_extra=Paging.documented())
async def list_granted_roles(subjectId: str, request: Request) -> dict[str, Any]:
    caller = allowed(request, Permission.SECURITY_READ)
    page = Paging.of(request)
    with emulator(request).store.read() as db:
        _require_subject(db, caller, subjectId)
        return page.page(store.subject_roles(db, caller.target, subjectId))


@router.put("/{roleId}", status_code=204, response_class=Response)
async def grant_role(subjectId: str, roleId: str, request: Request, caller: Editor) -> None:
    """Grants the role (idempotent); only a caller holding all of the role's permissions may."""
    with emulator(request).permission_change(caller.target) as db:
        _require_subject(db, caller, subjectId)
        check_grant(db, caller, role_or_404(db, caller.target, roleId))
        store.grant(db, caller.target, subjectId, roleId)


@router.delete("/{roleId}", status_code=204, response_class=Response)
async def revoke_role(subjectId: str, roleId: str, request: Request, caller: Editor) -> None:
    with emulator(request).permission_change(caller.target) as db:
        _require_subject(db, caller, subjectId)
        if not store.revoke(db, caller.target, subjectId, roleId):
            raise not_found(f"grant of role '{roleId}' to '{subjectId}'")
