"""Grants on genesys-cloud: `/api/v2/authorization/subjects/{subjectId}` and the home division.

A subject here is an OAuth client of the caller's org (`subjectType=PC_OAUTH_CLIENT`); its grants
are (role, division) pairs, and the only division is the org's home one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from orgaccess.emulator import store
from orgaccess.emulator.access import Caller, check_grant, emulator, require_permission
from orgaccess.emulator.errors import PLATFORM_ERRORS, documented
from orgaccess.emulator.genesys.access import Authenticated, requires
from orgaccess.emulator.genesys.common import granted_roles, home_division, require_home, role_or_404
from orgaccess.emulator.routes.common import not_found
from orgaccess.platform.genesys import permissions, wire
from orgaccess.platform.models import Role

router = APIRouter(prefix="/api/v2/authorization", tags=["grants"], responses=documented(*PLATFORM_ERRORS))
Reader = Annotated[Caller, Depends(requires("authorization:grant:view"))]
GRANT_ADD, GRANT_DELETE = "authorization:grant:add", "authorization:grant:delete"
Granter = Annotated[Caller, Depends(requires(GRANT_ADD))]
Revoker = Annotated[Caller, Depends(requires(GRANT_DELETE))]
SubjectType = Annotated[str, Query(alias="subjectType", description="PC_OAUTH_CLIENT: the subject is a client")]


def subject_name(db: sqlite3.Connection, caller: Caller, subject_id: str, subject_type: str) -> str:
    """The client's name; 404 unless it is an OAuth client of the caller's org (users do not exist here)."""
    record = store.get_client(db, subject_id)
    if subject_type != wire.SUBJECT_TYPE_CLIENT or record is None or record.org_id != caller.target:
        raise not_found(f"subject '{subject_id}'")
    return record.client.name


def subject(db: sqlite3.Connection, org_id: str, subject_id: str, name: str) -> wire.Subject:
    division = home_division(org_id)
    grants = [
        wire.Grant(
            subjectId=subject_id,
            division=division,
            role=wire.GrantRole(
                id=role.id,
                name=role.name,
                description=role.description,
                policies=[
                    wire.GrantPolicy(domain=p.domain, entityName=p.entityName, actions=p.actionSet)
                    for p in permissions.policies(role.permissions)
                ],
                default=role.builtIn,
            ),
        )
        for role in store.subject_roles(db, org_id, subject_id)
    ]
    return wire.Subject(id=subject_id, name=name, grants=grants, selfUri=f"/api/v2/authorization/subjects/{subject_id}")


def replace_grants(db: sqlite3.Connection, caller: Caller, subject_id: str, roles: Sequence[Role]) -> None:
    """The subject holds exactly `roles` afterwards; the caller must hold what it adds.

    Changing grants needs the grant permissions whatever the endpoint: a client's `roleDivisions`
    written with `oauth:client:edit` alone must not add or remove what `/subjects` would refuse."""
    current = {role.id for role in store.subject_roles(db, caller.target, subject_id)}
    wanted = {role.id for role in roles}
    if wanted - current:
        require_permission(db, caller, GRANT_ADD)
    if current - wanted:
        require_permission(db, caller, GRANT_DELETE)
    for role in roles:
        if role.id not in current:
            check_grant(db, caller, role)
    for role_id in current - wanted:
        store.revoke(db, caller.target, subject_id, role_id)
    for role_id in wanted - current:
        store.grant(db, caller.target, subject_id, role_id)


@contextmanager
def _granting(request: Request, caller: Caller, subject_id: str, subject_type: str) -> Iterator[sqlite3.Connection]:
    """A change of one existing subject's grants, its effect delayed on the data plane."""
    with emulator(request).permission_change(caller.target) as db:
        subject_name(db, caller, subject_id, subject_type)
        yield db


@router.get("/divisions/home", response_model=wire.Division, response_model_exclude_none=True)
async def get_home_division(caller: Authenticated) -> wire.Division:
    return home_division(caller.target)


@router.get("/subjects/{subjectId}", response_model=wire.Subject, response_model_exclude_none=True)
async def get_subject(subjectId: str, request: Request, caller: Reader) -> wire.Subject:
    with emulator(request).store.read() as db:
        name = subject_name(db, caller, subjectId, wire.SUBJECT_TYPE_CLIENT)
        return subject(db, caller.target, subjectId, name)


@router.post("/subjects/{subjectId}/bulkremove", status_code=204, response_class=Response)
async def bulk_remove(subjectId: str, body: wire.RoleDivisionGrants, request: Request, caller: Revoker) -> None:
    # Unlike bulkadd and bulkreplace, Genesys's bulkremove takes no subjectType.
    with _granting(request, caller, subjectId, wire.SUBJECT_TYPE_CLIENT) as db:
        removed = {role.id for role in granted_roles(db, caller.target, body.grants, "body.grants")}
        for role_id in removed:
            store.revoke(db, caller.target, subjectId, role_id)


@router.post("/subjects/{subjectId}/{operation}", status_code=204, response_class=Response)
async def bulk_grant(
    subjectId: str,
    operation: Literal["bulkadd", "bulkreplace"],
    body: wire.RoleDivisionGrants,
    request: Request,
    caller: Granter,
    subjectType: SubjectType = "PC_USER",
) -> None:
    """bulkadd grants the body's roles too; bulkreplace leaves the subject exactly the body's."""
    with _granting(request, caller, subjectId, subjectType) as db:
        roles = granted_roles(db, caller.target, body.grants, "body.grants")
        kept = store.subject_roles(db, caller.target, subjectId) if operation == "bulkadd" else []
        replace_grants(db, caller, subjectId, [*kept, *roles])


@router.post("/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}", status_code=204, response_class=Response)
async def grant_role(
    subjectId: str,
    divisionId: str,
    roleId: str,
    request: Request,
    caller: Granter,
    subjectType: SubjectType = "PC_USER",
) -> None:
    with _granting(request, caller, subjectId, subjectType) as db:
        require_home(caller.target, divisionId)
        role = role_or_404(db, caller.target, roleId)
        check_grant(db, caller, role)
        store.grant(db, caller.target, subjectId, roleId)


@router.delete("/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}", status_code=204, response_class=Response)
async def revoke_role(subjectId: str, divisionId: str, roleId: str, request: Request, caller: Revoker) -> None:
    with _granting(request, caller, subjectId, wire.SUBJECT_TYPE_CLIENT) as db:
        require_home(caller.target, divisionId)
        if not store.revoke(db, caller.target, subjectId, roleId):
            raise not_found(f"grant of role '{roleId}' to '{subjectId}'")
