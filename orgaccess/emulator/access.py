"""Who is calling, which org they address, and whether they may: auth, C1-C5, permissions.

Token scopes gate only the data plane (C1); management calls need permissions held through roles
granted in the target org. `orgLock: PRIMARY_ONLY` (C2) confines a client to its home org for
every call, since the lock is on the account, not on one endpoint.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from orgaccess.emulator import ratelimit, reasons, store
from orgaccess.emulator.auth import bearer_token
from orgaccess.emulator.errors import ApiError, forbidden
from orgaccess.emulator.state import Emulator
from orgaccess.platform.models import ORG_HEADER, OrgLock, Role
from orgaccess.vocabulary import ANALYTICS, Permission

T = TypeVar("T")


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
    verdict = emu.limiter.acquire((token.client_id, target), emu.clock.now())
    if emu.faults.rateLimitHeaders:
        ratelimit.note(request.scope, verdict)
    if verdict.retry_after is not None:
        raise ApiError(429, reason=reasons.RATE_LIMITED, headers={"Retry-After": str(verdict.retry_after)})
    if not reachable:
        raise forbidden(reasons.C5)
    return Caller(token.client_id, token.org_id, target, token.scopes, org_lock)


def _unlocked(caller: Caller) -> Caller:
    if caller.locked_out:
        raise forbidden(reasons.C2)
    return caller


# A GET checks its caller first thing in its body, by `authenticated`, `addressed` or `allowed`: a
# FastAPI dependency would cost each read a resolution of its own (a tenth of the emulator's CPU in
# a 5,000-org drift). Any other method depends on the same checks through `requires` or
# `Authenticated`, so that a write's caller without a valid token hears 401 before its body is validated.
# The org header is documented for every `/api/` operation by `app`, the bearer scheme likewise.


def authenticated(request: Request) -> Caller:
    """`authenticate`, addressing the org its header names (absent: the token's own)."""
    return authenticate(request, request.headers.get(ORG_HEADER))


def addressed(request: Request) -> Caller:
    """As `authenticated`, and not kept out of the target org by its lock (C2)."""
    return _unlocked(authenticated(request))


def allowed(request: Request, permission: str) -> Caller:
    """As `addressed`, and the caller holds `permission` through its roles in the target org."""
    caller = addressed(request)
    with emulator(request).store.read() as db:
        require_permission(db, caller, permission)
    return caller


async def _authenticated(request: Request) -> Caller:
    return authenticated(request)


Authenticated = Annotated[Caller, Depends(_authenticated)]


def requires(permission: str) -> Callable[..., Awaitable[Caller]]:
    """`allowed` as the dependency of a write."""

    async def dependency(request: Request) -> Caller:
        return allowed(request, permission)

    return dependency


def require_permission(db: sqlite3.Connection, caller: Caller, permission: str) -> None:
    """403 naming `permission` unless the caller holds it through its roles in the target org."""
    if permission not in store.subject_permissions(db, caller.target, caller.client_id):
        raise forbidden(reasons.permission_missing(permission))


# Least privilege. Every write that could hand a caller (or anyone it controls) more than it holds is
# checked here, so that each API dialect's routes call the same rules. A refusal is the contract's
# 403 `grant.exceeds.own.permissions`, whatever the write: it is the same escalation each time.


def require_held(db: sqlite3.Connection, caller: Caller, permissions: Iterable[str]) -> None:
    """403 unless the caller holds every one of `permissions` through its roles in the target org."""
    if not set(permissions) <= store.subject_permissions(db, caller.target, caller.client_id):
        raise forbidden(reasons.GRANT_EXCEEDS)


def check_role_write(
    db: sqlite3.Connection, caller: Caller, permissions: Iterable[str], current: Iterable[str] = ()
) -> None:
    """A role (new, or replacing `current`) may gain only permissions its writer holds.

    Granted or not: a role anyone holds, the writer's own included, passes what it gains on at once,
    and one nobody holds yet would wait for a grant by someone else. Narrowing is always allowed.
    """
    require_held(db, caller, set(permissions) - set(current))


def check_grant(db: sqlite3.Connection, caller: Caller, role: Role) -> None:
    """A caller may grant a role only if it holds every permission of that role (the contract's rule)."""
    require_held(db, caller, role.permissions)


def check_client_write(
    db: sqlite3.Connection, caller: Caller, scopes: Iterable[str], current: Iterable[str] = ()
) -> None:
    """An account (new, or replacing `current` scopes) may gain only scopes its writer holds as permissions."""
    require_held(db, caller, set(scopes) - set(current))


def check_takeover(db: sqlite3.Connection, caller: Caller, target: store.ClientRecord) -> None:
    """Learning an account's secret (rotation) makes all it holds the caller's: only for a caller covering it.

    Covering means holding, in every org where the account holds roles, each of its permissions, every
    one of its scopes as permissions, and a reach as wide (an org lock keeps the caller home).
    """
    check_holds_all_of(db, caller, target.client.id)
    require_held(db, caller, target.client.scopes)
    if caller.org_lock is OrgLock.PRIMARY_ONLY and target.client.orgLock is not OrgLock.PRIMARY_ONLY:
        raise forbidden(reasons.GRANT_EXCEEDS)


def check_lock_write(db: sqlite3.Connection, caller: Caller, current: store.ClientRecord, lock: OrgLock) -> None:
    """Lifting an account's org lock hands it, in every linked org, the roles it holds there: a
    widening like any other, so only for a caller covering the account as it would be (as a
    rotation asks), which a caller kept home by its own lock never does. Keeping or adding a lock
    is always allowed."""
    if lock.widens(current.client.orgLock):
        widened = current.client.model_copy(update={"orgLock": lock})
        check_takeover(db, caller, replace(current, client=widened))


def check_holds_all_of(db: sqlite3.Connection, caller: Caller, subject_id: str) -> None:
    """403 unless the caller holds, in every org where `subject_id` holds roles, each of its permissions."""
    mine = store.permissions_by_org(db, caller.client_id)
    theirs = store.permissions_by_org(db, subject_id)
    if any(not held <= mine.get(org, frozenset()) for org, held in theirs.items()):
        raise forbidden(reasons.GRANT_EXCEEDS)


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
        denials.append(
            reasons.C3 if permission == Permission.RECORDING_VIEW else reasons.permission_missing(permission)
        )
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
