"""Who calls and what they may do, on genesys-cloud: a token acts in its client's own org only.

There is no org header (one sent is ignored) and no org lock; management calls need Genesys
permissions held through roles granted in that org. What a caller may hand out (a grant, a wider
role, a client's secret) is least privilege as `orgaccess.emulator.access` defines it for both
dialects; only authentication and the data plane differ here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable

from fastapi import Request

from orgaccess.emulator import access, reasons, store
from orgaccess.emulator.access import Caller, emulator, license_enabled, require_permission
from orgaccess.emulator.state import Emulator
from orgaccess.vocabulary import ANALYTICS


def authenticated(request: Request) -> Caller:
    """A valid token within its rate limit, acting in its client's org (else 401/429)."""
    caller = access.authenticate(request, None)
    # Acting in the home org is all a token can do here, not a missing header (the seed's C6).
    request.state.audit_reason = None
    return caller


def allowed(request: Request, permission: str) -> Caller:
    """As `authenticated`, and the caller holds `permission` in its org.

    A GET calls it first thing, a write depends on it through `requires`, as
    `orgaccess.emulator.access` says why."""
    caller = authenticated(request)
    with emulator(request).store.read() as db:
        require_permission(db, caller, permission)
    return caller


def requires(permission: str) -> Callable[..., Awaitable[Caller]]:
    """`allowed` as the dependency of a write."""

    async def dependency(request: Request) -> Caller:
        return allowed(request, permission)

    return dependency


def data_plane_denials(emu: Emulator, caller: Caller, permission: str) -> list[str]:
    """The causes that refuse the app's call here: C3 (the permission) and C4 (analytics off)."""
    now = emu.clock.now()
    held = emu.propagation.visible(
        ("permissions", caller.target, caller.client_id),
        now,
        lambda: _permissions(emu, caller),
    )
    denials = [] if permission in held else [reasons.C3]
    analytics_on = emu.propagation.visible(
        ("license", caller.target, ANALYTICS), now, lambda: license_enabled(emu, caller.target, ANALYTICS)
    )
    if not analytics_on:
        denials.append(reasons.C4)
    return denials


def reached_divisions(db: sqlite3.Connection, caller: Caller, permission: str) -> frozenset[str]:
    """The divisions (as stored; `*` for all) where the caller holds `permission` through a grant.

    Read at once: the propagation delay applies to permissions, not to the divisions they reach."""
    grants = store.subject_grants(db, caller.target, caller.client_id)
    return frozenset(division for role, division in grants if permission in role.permissions)


def _permissions(emu: Emulator, caller: Caller) -> frozenset[str]:
    with emu.store.read() as db:
        return store.subject_permissions(db, caller.target, caller.client_id)
