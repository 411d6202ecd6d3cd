"""Who is calling, which org they address, and whether they may: auth, C1-C5, permissions.

Token scopes gate only the data plane (C1); management calls need permissions held through roles
granted in the target org. `orgLock: PRIMARY_ONLY` (C2) confines a client to its home org for
every call, since the lock is on the account, not on one endpoint.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Request

from orgaccess.emulator import reasons, store
from orgaccess.emulator.auth import bearer_token
from orgaccess.emulator.errors import ApiError, forbidden
from orgaccess.emulator.state import Emulator
from orgaccess.platform.models import ORG_HEADER, OrgLock

T = TypeVar("T")
RECORDING_VIEW = "recording:view"
ANALYTICS = "analytics"


@dataclass(frozen=True)
class Caller:
    client_id: str
    home_org: str
    target: str
    scopes: frozenset[str]
    org_lock: OrgLock

    @property
    def locked_out(self) -> bool:
        return self.org_lock is OrgLock.PRIMARY_ONLY and self.target != self.home_org


def emulator(request: Request) -> Emulator:
    emu: Emulator = request.app.state.emulator
    return emu


OrgHeader = Annotated[str | None, Header(alias=ORG_HEADER, description="The target org; absent: home org")]


def authenticate(request: Request, org: str | None) -> Caller:
    """A valid token, within its rate limit, addressing an org it can address (else 401/429/403 C5)."""
    emu = emulator(request)
    state = request.state
    token = emu.tokens.resolve(bearer_token(request.headers.get("authorization")), emu.clock.now())
    with emu.store.read() as db:
        org_lock = store.client_org_lock(db, token.client_id)
        target = org if org is not None else token.org_id
        reachable = target == token.org_id or store.is_linked(db, token.org_id, target)
    state.audit_client = token.client_id
    state.audit_org = target
    if org is None:
        state.audit_reason = reasons.C6
    if org_lock is None:
        raise ApiError(401, reason=reasons.TOKEN_REVOKED)
    retry_after = emu.limiter.acquire((token.client_id, target), emu.clock.now())
    if retry_after is not None:
        raise ApiError(429, reason=reasons.RATE_LIMITED, headers={"Retry-After": str(retry_after)})
    if not reachable:
        raise forbidden(reasons.C5)
    return Caller(token.client_id, token.org_id, target, token.scopes, org_lock)


def _unlocked(caller: Caller) -> Caller:
    if caller.locked_out:
        raise forbidden(reasons.C2)
    return caller


# Each dependency below does its checks in one call rather than depending on the one before, and
# the bearer scheme is documented by `app` rather than declared as a `Security` dependency:
# FastAPI's per-request cost grows with every node of the dependency graph.


async def authenticated(request: Request, org: OrgHeader = None) -> Caller:
    """See `authenticate`."""
    return authenticate(request, org)


async def addressed(request: Request, org: OrgHeader = None) -> Caller:
    """As `authenticated`, and not kept out of the target org by its lock (C2)."""
    return _unlocked(authenticate(request, org))


Authenticated = Annotated[Caller, Depends(authenticated)]
Addressed = Annotated[Caller, Depends(addressed)]


def requires(permission: str) -> Callable[..., Awaitable[Caller]]:
    """A dependency: as `addressed`, and the caller holds `permission` through its roles in the target org."""

    async def dependency(request: Request, org: OrgHeader = None) -> Caller:
        caller = _unlocked(authenticate(request, org))
        with emulator(request).store.read() as db:
            held = store.subject_permissions(db, caller.target, caller.client_id)
        if permission not in held:
            raise forbidden(reasons.permission_missing(permission))
        return caller

    return dependency


def data_plane_denials(emu: Emulator, caller: Caller, permission: str, scope: str | None) -> list[str]:
    """Every cause that refuses a data-plane call, as the data plane sees the state (propagation)."""
    denials = []
    if scope is not None and scope not in caller.scopes:
        denials.append(reasons.C1)
    if caller.locked_out:
        denials.append(reasons.C2)
    now = emu.clock.now()
    held = emu.propagation.visible(
        ("permissions", caller.target, caller.client_id),
        now,
        lambda: _read(emu, lambda db: store.subject_permissions(db, caller.target, caller.client_id)),
    )
    if permission not in held:
        denials.append(reasons.C3 if permission == RECORDING_VIEW else reasons.permission_missing(permission))
    analytics_on = emu.propagation.visible(
        ("license", caller.target, ANALYTICS), now, lambda: license_enabled(emu, caller.target, ANALYTICS)
    )
    if not analytics_on:
        denials.append(reasons.C4)
    return denials


def license_enabled(emu: Emulator, org_id: str, feature: str) -> bool:
    feature_state = _read(emu, lambda db: store.get_license(db, org_id, feature))
    return feature_state is not None and feature_state.enabled


def _read(emu: Emulator, query: Callable[[sqlite3.Connection], T]) -> T:
    with emu.store.read() as db:
        return query(db)
