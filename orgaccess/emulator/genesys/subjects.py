"""Grants on genesys-cloud: `/api/v2/authorization/subjects/{subjectId}`, and the org's divisions.

A subject here is an OAuth client of the caller's org (`subjectType=PC_OAUTH_CLIENT`); its grants
are (role, division) pairs, the division one of the org's or `*` (every division).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field

from orgaccess.emulator import store
from orgaccess.emulator.access import Caller, check_grant, emulator, require_permission
from orgaccess.emulator.errors import PLATFORM_ERRORS, documented
from orgaccess.emulator.genesys.access import allowed, authenticated, requires
from orgaccess.emulator.genesys.common import (
    Paging,
    division_or_404,
    divisions,
    granted_pairs,
    home_division,
    listing,
    role_or_404,
    role_policies,
    wire_division,
)
from orgaccess.emulator.query import QueryString
from orgaccess.emulator.routes.common import not_found
from orgaccess.platform.genesys import wire
from orgaccess.platform.models import Role

router = APIRouter(prefix="/api/v2/authorization", tags=["grants"], responses=documented(*PLATFORM_ERRORS))
VIEW = "authorization:grant:view"
GRANT_ADD, GRANT_DELETE = "authorization:grant:add", "authorization:grant:delete"
Granter = Annotated[Caller, Depends(requires(GRANT_ADD))]
Revoker = Annotated[Caller, Depends(requires(GRANT_DELETE))]


class SubjectQuery(QueryString):
    subjectType: str = Field("PC_USER", description="PC_OAUTH_CLIENT: the subject is a client")


class DivisionQuery(Paging):
    objectCount: bool = Field(False, description="Answer each division's objectCounts")


def subject_name(db: sqlite3.Connection, caller: Caller, subject_id: str, subject_type: str) -> str:
    """The client's name; 404 unless it is an OAuth client of the caller's org (users do not exist here)."""
    record = store.get_client(db, subject_id)
    if subject_type != wire.SUBJECT_TYPE_CLIENT or record is None or record.org_id != caller.target:
        raise not_found(f"subject '{subject_id}'")
    return record.client.name


def subject(db: sqlite3.Connection, org_id: str, subject_id: str, name: str) -> wire.Subject:
    grants = [
        wire.Grant(
            subjectId=subject_id,
            division=wire_division(db, org_id, division),
            role=wire.GrantRole(
                id=role.id,
                name=role.name,
                description=role.description,
                policies=[
                    wire.GrantPolicy(domain=p.domain, entityName=p.entityName, actions=p.actionSet)
                    for p in role_policies(role)
                ],
                default=role.builtIn,
            ),
        )
        for role, division in store.subject_grants(db, org_id, subject_id)
    ]
    return wire.Subject(id=subject_id, name=name, grants=grants, selfUri=f"/api/v2/authorization/subjects/{subject_id}")


Pair = tuple[Role, str]


def replace_grants(db: sqlite3.Connection, caller: Caller, subject_id: str, pairs: Sequence[Pair]) -> None:
    """The subject holds exactly the (role, division) `pairs` afterwards; the caller must hold what it adds.

    Changing grants needs the grant permissions whatever the endpoint: a client's `roleDivisions`
    written with `oauth:client:edit` alone must not add or remove what `/subjects` would refuse."""
    current = {(role.id, division) for role, division in store.subject_grants(db, caller.target, subject_id)}
    wanted = {(role.id, division) for role, division in pairs}
    if wanted - current:
        require_permission(db, caller, GRANT_ADD)
    if current - wanted:
        require_permission(db, caller, GRANT_DELETE)
    for role, division in pairs:
        if (role.id, division) not in current:
            check_grant(db, caller, role)
    for role_id, division in current - wanted:
        store.revoke(db, caller.target, subject_id, role_id, division)
    for role_id, division in wanted - current:
        store.grant(db, caller.target, subject_id, role_id, division)


@contextmanager
def _granting(request: Request, caller: Caller, subject_id: str, subject_type: str) -> Iterator[sqlite3.Connection]:
    """A change of one existing subject's grants, its effect delayed on the data plane."""
    with emulator(request).permission_change(caller.target) as db:
        subject_name(db, caller, subject_id, subject_type)
        yield db


@listing(router, "/divisions", wire.Listing[wire.Division], DivisionQuery)
async def list_divisions(request: Request) -> dict[str, Any]:
    caller = authenticated(request)
    query = DivisionQuery.of(request)
    with emulator(request).store.read() as db:
        return query.page(divisions(db, caller.target, counted=query.objectCount))


@router.get("/divisions/home", response_model=wire.Division, response_model_exclude_none=True)
async def get_home_division(request: Request) -> wire.Division:
    return home_division(authenticated(request).target)


@router.get("/divisions/{divisionId}", response_model=wire.Division, response_model_exclude_none=True)
async def get_division(divisionId: str, request: Request) -> wire.Division:
    caller = authenticated(request)
    with emulator(request).store.read() as db:
        found = [d for d in divisions(db, caller.target) if d.id == divisionId]
    if not found:
        raise not_found(f"division '{divisionId}'")
    return found[0]


@router.get("/subjects/{subjectId}", response_model=wire.Subject, response_model_exclude_none=True)
async def get_subject(subjectId: str, request: Request) -> wire.Subject:
    caller = allowed(request, VIEW)
    with emulator(request).store.read() as db:
        name = subject_name(db, caller, subjectId, wire.SUBJECT_TYPE_CLIENT)
        return subject(db, caller.target, subjectId, name)


@router.post("/subjects/{subjectId}/bulkremove", status_code=204, response_class=Response)
async def bulk_remove(subjectId: str, body: wire.RoleDivisionGrants, request: Request, caller: Revoker) -> None:
    # Unlike bulkadd and bulkreplace, Genesys's bulkremove takes no subjectType.
    with _granting(request, caller, subjectId, wire.SUBJECT_TYPE_CLIENT) as db:
        for role, division in granted_pairs(db, caller.target, body.grants, "body.grants"):
            store.revoke(db, caller.target, subjectId, role.id, division)


@router.post(
    "/subjects/{subjectId}/{operation}",
    status_code=204,
    response_class=Response,
    openapi_extra=SubjectQuery.documented(),
)
async def bulk_grant(
    subjectId: str,
    operation: Literal["bulkadd", "bulkreplace"],
    body: wire.RoleDivisionGrants,
    request: Request,
    caller: Granter,
) -> None:
    """bulkadd grants the body's roles too; bulkreplace leaves the subject exactly the body's."""
    with _granting(request, caller, subjectId, SubjectQuery.of(request).subjectType) as db:
        pairs = granted_pairs(db, caller.target, body.grants, "body.grants")
        kept = store.subject_grants(db, caller.target, subjectId) if operation == "bulkadd" else []
        replace_grants(db, caller, subjectId, [*kept, *pairs])


@router.post(
    "/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}",
    status_code=204,
    response_class=Response,
    openapi_extra=SubjectQuery.documented(),
)
async def grant_role(subjectId: str, divisionId: str, roleId: str, request: Request, caller: Granter) -> None:
    with _granting(request, caller, subjectId, SubjectQuery.of(request).subjectType) as db:
        division = division_or_404(db, caller.target, divisionId)
        role = role_or_404(db, caller.target, roleId)
        check_grant(db, caller, role)
        store.grant(db, caller.target, subjectId, roleId, division)


@router.delete("/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}", status_code=204, response_class=Response)
async def revoke_role(subjectId: str, divisionId: str, roleId: str, request: Request, caller: Revoker) -> None:
    with _granting(request, caller, subjectId, wire.SUBJECT_TYPE_CLIENT) as db:
        division = division_or_404(db, caller.target, divisionId)
        if not store.revoke(db, caller.target, subjectId, roleId, division):
            raise not_found(f"grant of role '{roleId}' to '{subjectId}'")
