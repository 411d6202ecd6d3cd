"""`/api/v2/oauth/clients`: OAuth clients of the caller's org, their roles as `roleDivisions`.

A client's `roleDivisions` and its subject grants are one thing seen twice: writing either changes
both. The secret is answered only on create and by `POST .../secret`.
"""

from __future__ import annotations

import secrets
import sqlite3
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from orgaccess.emulator import store
from orgaccess.emulator.access import Caller, check_holds_all_of, emulator
from orgaccess.emulator.errors import PLATFORM_ERRORS, bad_request, documented
from orgaccess.emulator.genesys.access import allowed, requires
from orgaccess.emulator.genesys.common import Paging, granted_pairs, listing, wire_division_id
from orgaccess.emulator.genesys.subjects import replace_grants
from orgaccess.emulator.routes.common import duplicate_name, own_client
from orgaccess.platform.genesys import wire
from orgaccess.platform.models import OAuthClient

router = APIRouter(prefix="/api/v2/oauth/clients", tags=["oauth clients"], responses=documented(*PLATFORM_ERRORS))
VIEW = "oauth:client:view"
Adder = Annotated[Caller, Depends(requires("oauth:client:add"))]
Editor = Annotated[Caller, Depends(requires("oauth:client:edit"))]
Deleter = Annotated[Caller, Depends(requires("oauth:client:delete"))]


def _own(db: sqlite3.Connection, caller: Caller, client_id: str) -> store.ClientRecord:
    return own_client(db, caller.target, client_id, "OAuth client")


def _wire(db: sqlite3.Connection, org_id: str, client: OAuthClient, secret: str | None = None) -> wire.OAuthClient:
    grants = [(role.id, division) for role, division in store.subject_grants(db, org_id, client.id)]
    return _wire_with(org_id, client, grants, secret)


def _wire_with(
    org_id: str, client: OAuthClient, grants: list[tuple[str, str]], secret: str | None = None
) -> wire.OAuthClient:
    return wire.OAuthClient(
        id=client.id,
        name=client.name,
        description=client.description,
        authorizedGrantType=wire.GRANT_TYPES[client.authorizedGrantType],
        scope=client.scopes,
        roleDivisions=[
            wire.RoleDivision(roleId=role_id, divisionId=wire_division_id(org_id, division))
            for role_id, division in grants
        ],
        secret=secret,
        selfUri=f"/api/v2/oauth/clients/{client.id}",
    )


def _check(body: wire.OAuthClientRequest) -> None:
    # What the store cannot keep is refused rather than silently dropped.
    if body.state is not wire.ClientState.ACTIVE:
        raise bad_request("body.state: the emulator keeps only active clients")
    if body.accessTokenValiditySeconds not in (None, wire.TOKEN_VALIDITY_SECONDS):
        raise bad_request(f"body.accessTokenValiditySeconds: the emulator's tokens last {wire.TOKEN_VALIDITY_SECONDS}")
    for i, scope in enumerate(body.scope):
        if not scope or any(char.isspace() for char in scope):
            raise bad_request(f"body.scope[{i}]: a scope is one word")


def _save(
    db: sqlite3.Connection,
    caller: Caller,
    body: wire.OAuthClientRequest,
    client_id: str,
    version: int,
    secret_hash: str,
) -> OAuthClient:
    if store.client_name_taken(db, caller.target, body.name, except_id=client_id):
        raise duplicate_name(body.name)
    pairs = granted_pairs(db, caller.target, body.roleDivisions, "body.roleDivisions")
    client = wire.model_client(body, client_id, version)
    store.save_client(db, caller.target, client, secret_hash)
    replace_grants(db, caller, client_id, pairs)
    return client


@listing(router, "", wire.Listing[wire.OAuthClient], Paging)
async def list_clients(request: Request) -> dict[str, Any]:
    caller = allowed(request, VIEW)
    page = Paging.of(request)
    with emulator(request).store.read() as db:
        grants = store.role_divisions(db, caller.target)
        clients = store.list_clients(db, caller.target)
        return page.page([_wire_with(caller.target, client, grants.get(client.id, [])) for client in clients])


@router.post("", response_model=wire.OAuthClient, response_model_exclude_none=True, responses=documented(409))
async def create_client(body: wire.OAuthClientRequest, request: Request, caller: Adder) -> wire.OAuthClient:
    """Creates a client; the answer is the only time its secret is shown."""
    _check(body)
    secret = secrets.token_urlsafe(24)
    with emulator(request).permission_change(caller.target) as db:
        client = _save(db, caller, body, store.new_id(), 1, store.digest(secret))
        created = _wire(db, caller.target, client, secret)
    return created.model_copy(update={"dateCreated": datetime.now(UTC).isoformat(timespec="milliseconds")})


@router.get("/{clientId}", response_model=wire.OAuthClient, response_model_exclude_none=True)
async def get_client(clientId: str, request: Request) -> wire.OAuthClient:
    caller = allowed(request, VIEW)
    with emulator(request).store.read() as db:
        return _wire(db, caller.target, _own(db, caller, clientId).client)


@router.put("/{clientId}", response_model=wire.OAuthClient, response_model_exclude_none=True, responses=documented(409))
async def replace_client(
    clientId: str, body: wire.OAuthClientRequest, request: Request, caller: Editor
) -> wire.OAuthClient:
    _check(body)
    with emulator(request).permission_change(caller.target) as db:
        record = _own(db, caller, clientId)
        client = _save(db, caller, body, clientId, record.client.version + 1, record.secret_hash)
        return _wire(db, caller.target, client)


@router.delete("/{clientId}", status_code=204, response_class=Response)
async def delete_client(clientId: str, request: Request, caller: Deleter) -> None:
    """Deletes the client, its grants, and revokes its tokens."""
    emu = emulator(request)
    with emu.permission_change(caller.target) as db:
        _own(db, caller, clientId)
        store.delete_client(db, clientId)
    emu.tokens.forget()


@router.post("/{clientId}/secret", response_model=wire.OAuthClient, response_model_exclude_none=True)
async def new_secret(clientId: str, request: Request, caller: Editor) -> wire.OAuthClient:
    """Replaces the secret and answers it; tokens already issued stay valid until they expire."""
    secret = secrets.token_urlsafe(24)
    with emulator(request).store.write() as db:
        record = _own(db, caller, clientId)
        # Learning a client's secret makes all it holds the caller's: only for a caller holding as much.
        # The seed's check_takeover asks that and more, for what Genesys lacks: scopes grant nothing to
        # a client-credentials token, and every client is confined to its org.
        check_holds_all_of(db, caller, clientId)
        store.save_client(db, caller.target, record.client, store.digest(secret))
        return _wire(db, caller.target, record.client, secret)
