"""`/api/v2/authorization/roles`: roles of the caller's org, permissions as `permissionPolicies`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field

from orgaccess.emulator import store
from orgaccess.emulator.access import Caller, check_role_write, emulator
from orgaccess.emulator.errors import PLATFORM_ERRORS, bad_request, documented
from orgaccess.emulator.genesys.access import allowed, requires
from orgaccess.emulator.genesys.common import Paging, listing, role_or_404, stored_permissions, wire_role
from orgaccess.emulator.routes.common import custom_role, duplicate_name
from orgaccess.platform.genesys import wire
from orgaccess.platform.genesys.permissions import flatten
from orgaccess.platform.models import Role

router = APIRouter(prefix="/api/v2/authorization/roles", tags=["roles"], responses=documented(*PLATFORM_ERRORS))
VIEW = "authorization:role:view"
Adder = Annotated[Caller, Depends(requires("authorization:role:add"))]
Editor = Annotated[Caller, Depends(requires("authorization:role:edit"))]
Deleter = Annotated[Caller, Depends(requires("authorization:role:delete"))]


class RoleQuery(Paging):
    name: str | None = Field(None, description="An exact role name")
    permission: list[str] | None = Field(None, description="Roles holding any of these")
    id: list[str] | None = Field(None, description="Roles with these ids")


@listing(router, "", wire.Listing[wire.Role], RoleQuery)
async def list_roles(request: Request) -> dict[str, Any]:
    caller = allowed(request, VIEW)
    query = RoleQuery.of(request)
    with emulator(request).store.read() as db:
        roles = store.list_roles(db, caller.target, query.name)
    if query.permission:
        wanted = _values(query.permission)
        roles = [role for role in roles if wanted & set(role.permissions)]
    if query.id:
        ids = _values(query.id)
        roles = [role for role in roles if role.id in ids]
    return query.page([wire_role(role) for role in roles])


def _values(given: list[str]) -> set[str]:
    # The official SDK sends a list as one comma-separated value (`permission=a,b`); a repeated
    # parameter is read too. Neither a permission nor an id holds a comma.
    return {value for each in given for value in each.split(",")}


@router.post("", response_model=wire.Role, response_model_exclude_none=True, responses=documented(409))
async def create_role(body: wire.RoleRequest, request: Request, caller: Adder) -> wire.Role:
    permissions = stored_permissions(body.permissionPolicies, body.permissions)
    role = Role(id=store.new_id(), name=body.name, description=body.description, permissions=permissions, version=1)
    with emulator(request).store.write() as db:
        check_role_write(db, caller, permissions)
        if store.role_name_taken(db, caller.target, body.name):
            raise duplicate_name(body.name)
        store.save_role(db, caller.target, role)
    return wire_role(role)


@router.get("/{roleId}", response_model=wire.Role, response_model_exclude_none=True)
async def get_role(roleId: str, request: Request) -> wire.Role:
    caller = allowed(request, VIEW)
    with emulator(request).store.read() as db:
        return wire_role(role_or_404(db, caller.target, roleId))


@router.put("/{roleId}", response_model=wire.Role, response_model_exclude_none=True, responses=documented(409))
async def replace_role(roleId: str, body: wire.RoleRequest, request: Request, caller: Editor) -> wire.Role:
    return _change(request, caller, roleId, body)


@router.patch("/{roleId}", response_model=wire.Role, response_model_exclude_none=True)
async def patch_role(roleId: str, body: wire.RolePatch, request: Request, caller: Editor) -> wire.Role:
    """Clears the role's `roleNeedsUpdate`, the one field this call patches; a change of any other
    field is 400 naming it (PUT changes those), as silently dropping it would hide that it did nothing."""
    with emulator(request).store.read() as db:
        served = wire_role(role_or_404(db, caller.target, roleId))
    for field in sorted(body.model_fields_set - {"roleNeedsUpdate"}):
        if _comparable(field, getattr(body, field)) != _comparable(field, getattr(served, field)):
            raise bad_request(f"body.{field}: PATCH changes only roleNeedsUpdate; change {field} with PUT")
    if body.roleNeedsUpdate:
        raise bad_request("body.roleNeedsUpdate: only the platform marks a role as needing an update")
    return served


def _comparable(field: str, value: Any) -> Any:
    # Policies are a set of permissions, however they are grouped or ordered.
    return sorted(flatten(value or [])) if field == "permissionPolicies" else value


@router.delete("/{roleId}", status_code=204, response_class=Response)
async def delete_role(roleId: str, request: Request, caller: Deleter) -> None:
    """Deletes the role and every grant of it."""
    with emulator(request).permission_change(caller.target) as db:
        custom_role(role_or_404(db, caller.target, roleId))
        store.delete_role(db, caller.target, roleId)


def _change(request: Request, caller: Caller, role_id: str, body: wire.RoleRequest) -> wire.Role:
    with emulator(request).permission_change(caller.target) as db:
        current = custom_role(role_or_404(db, caller.target, role_id))
        permissions = stored_permissions(body.permissionPolicies, body.permissions)
        check_role_write(db, caller, permissions, current.permissions)
        if store.role_name_taken(db, caller.target, body.name, except_id=role_id):
            raise duplicate_name(body.name)
        role = Role(
            id=role_id,
            name=body.name,
            description=body.description,
            permissions=permissions,
            version=current.version + 1,
        )
        store.save_role(db, caller.target, role)
    return wire_role(role)
