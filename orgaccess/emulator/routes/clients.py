"""Service accounts (OAuth clients) of the target org."""

from __future__ import annotations

import secrets
import sqlite3
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from orgaccess.emulator import store
from orgaccess.emulator.access import (
    Caller,
    allowed,
    check_client_write,
    check_lock_write,
    check_takeover,
    emulator,
    requires,
)
from orgaccess.emulator.errors import PLATFORM_ERRORS, documented
from orgaccess.emulator.routes.common import (
    Paging,
    duplicate_name,
    own_client,
    require_known,
    require_version,
)
from orgaccess.platform.models import (
    ClientSecret,
    OAuthClient,
    OAuthClientSpec,
    OAuthClientUpdate,
    OAuthClientWithSecret,
    Page,
)
from orgaccess.vocabulary import Permission

router = APIRouter(prefix="/api/v2/oauth/clients", tags=["service accounts"], responses=documented(*PLATFORM_ERRORS))
Editor = Annotated[Caller, Depends(requires(Permission.CLIENTS_EDIT))]


def _own(db: sqlite3.Connection, caller: Caller, client_id: str) -> store.ClientRecord:
    return own_client(db, caller.target, client_id, "service account")


def _new_secret() -> str:
    return secrets.token_urlsafe(24)


@router.get("", response_model=Page[OAuthClient], openapi_extra=Paging.documented())
async def list_clients(request: Request) -> dict[str, Any]:
    caller = allowed(request, Permission.SECURITY_READ)
    page = Paging.of(request)
    with emulator(request).store.read() as db:
        return page.page(store.list_clients(db, caller.target))


@router.get("/{clientId}", response_model=OAuthClient)
async def get_client(clientId: str, request: Request) -> OAuthClient:
    caller = allowed(request, Permission.SECURITY_READ)
    with emulator(request).store.read() as db:
        return _own(db, caller, clientId).client


@router.post("", status_code=201, response_model=OAuthClientWithSecret, responses=documented(409))
async def create_client(spec: OAuthClientSpec, request: Request, caller: Editor) -> OAuthClientWithSecret:
    """Creates an account; the answer is the only time its secret is shown."""
    require_known(spec.scopes, "body.scopes", "scope")
    secret = _new_secret()
    client = OAuthClient(id=store.new_id(), version=1, **spec.model_dump())
    with emulator(request).store.write() as db:
        check_client_write(db, caller, spec.scopes)
        if store.client_name_taken(db, caller.target, spec.name):
            raise duplicate_name(spec.name)
        store.save_client(db, caller.target, client, store.digest(secret))
    return OAuthClientWithSecret(**client.model_dump(), secret=secret)


@router.put("/{clientId}", response_model=OAuthClient, responses=documented(409))
async def update_client(clientId: str, update: OAuthClientUpdate, request: Request, caller: Editor) -> OAuthClient:
    require_known(update.scopes, "body.scopes", "scope")
    with emulator(request).store.write() as db:
        record = _own(db, caller, clientId)
        check_client_write(db, caller, update.scopes, record.client.scopes)
        check_lock_write(db, caller, record, update.orgLock)
        require_version(update.version, record.client.version)
        if store.client_name_taken(db, caller.target, update.name, except_id=clientId):
            raise duplicate_name(update.name)
        client = OAuthClient(id=clientId, **{**update.model_dump(), "version": update.version + 1})
        store.save_client(db, caller.target, client, record.secret_hash)
    return client


@router.delete("/{clientId}", status_code=204, response_class=Response)
async def delete_client(clientId: str, request: Request, caller: Editor) -> None:
    """Deletes the account, revokes its tokens and its grants in every org."""
    emu = emulator(request)
    with emu.store.write() as db:
        _own(db, caller, clientId)
        store.delete_client(db, clientId)
    emu.tokens.forget()


@router.post("/{clientId}/secret", response_model=ClientSecret)
async def rotate_secret(clientId: str, request: Request, caller: Editor) -> ClientSecret:
    """Replaces the secret; tokens already issued stay valid until they expire.

    Only for a caller that holds at least what the account holds: its new secret is the caller's.
    """
    secret = _new_secret()
    with emulator(request).store.write() as db:
        record = _own(db, caller, clientId)
        check_takeover(db, caller, record)
        store.save_client(db, caller.target, record.client, store.digest(secret))
    return ClientSecret(id=clientId, secret=secret)
