"""Roles of the target org; `admin` and `employee` are built in and read-only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field

from orgaccess.emulator import store
from orgaccess.emulator.access import Caller, allowed, check_role_write, emulator, requires
from orgaccess.emulator.errors import PLATFORM_ERRORS, documented
from orgaccess.emulator.routes.common import (
    Paging,
    custom_role,
    duplicate_name,
    require_known,
    require_version,
    role_or_404,
)
from orgaccess.platform.models import Page, Role, RoleSpec, RoleUpdate
from orgaccess.vocabulary import Permission

router = APIRouter(prefix="/api/v2/security/roles", tags=["roles"], responses=documented(*PLATFORM_ERRORS))
Editor = Annotated[Caller, Depends(requires(Permission.ROLES_EDIT))]


class RoleQuery(Paging):
    name: str | None = Field(None, description="An exact role name")


@router.get("", response_model=Page[Role], openapi_extra=RoleQuery.documented())
async def list_roles(request: Request) -> dict[str, Any]:
    caller = allowed(request, Permission.SECURITY_READ)
    query = RoleQuery.of(request)
    with emulator(request).store.read() as db:
        return query.page(store.list_roles(db, caller.target, query.name))


@router.post("", status_code=201, response_model=Role, responses=documented(409))
async def create_role(spec: RoleSpec, request: Request, caller: Editor) -> Role:
    require_known(spec.permissions, "body.permissions", "permission")
    fields = {**spec.model_dump(), "permissions": _set(spec)}
    role = Role(id=store.new_id(), version=1, builtIn=False, **fields)
    with emulator(request).store.write() as db:
        check_role_write(db, caller, role.permissions)
        if store.role_name_taken(db, caller.target, spec.name):
            raise duplicate_name(spec.name)
        store.save_role(db, caller.target, role)
    return role


@router.get("/{roleId}", response_model=Role)
async def get_role(roleId: str, request: Request) -> Role:
    caller = allowed(request, Permission.SECURITY_READ)
    with emulator(request).store.read() as db:
        return role_or_404(db, caller.target, roleId)


@router.put("/{roleId}", response_model=Role, responses=documented(409))
async def update_role(roleId: str, update: RoleUpdate, request: Request, caller: Editor) -> Role:
    require_known(update.permissions, "body.permissions", "permission")
    with emulator(request).permission_change(caller.target) as db:
        current = custom_role(role_or_404(db, caller.target, roleId))
        check_role_write(db, caller, update.permissions, current.permissions)
        require_version(update.version, current.version)
        if store.role_name_taken(db, caller.target, update.name, except_id=roleId):
            raise duplicate_name(update.name)
        role = Role(
            id=roleId,
            name=update.name,
            description=update.description,
            permissions=_set(update),
            builtIn=False,
            version=current.version + 1,
        )
        store.save_role(db, caller.target, role)
    return role


@router.delete("/{roleId}", status_code=204, response_class=Response)
async def delete_role(roleId: str, request: Request, caller: Editor) -> None:
    """Deletes the role and every grant of it."""
    with emulator(request).permission_change(caller.target) as db:
        custom_role(role_or_404(db, caller.target, roleId))
        store.delete_role(db, caller.target, roleId)


def _set(spec: RoleSpec) -> list[str]:
    # A role's permissions are a set; answering them sorted keeps diffs stable.
    return sorted(set(spec.permissions))
