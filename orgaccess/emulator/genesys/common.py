"""What the genesys-cloud routes share: paging with page URIs, divisions, wire conversions.

Every route answers with `response_model_exclude_none`: Genesys Cloud leaves absent fields out
rather than answering null.
"""

from __future__ import annotations

import functools
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Self, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, PrivateAttr

from orgaccess.emulator import store
from orgaccess.emulator.errors import ApiError, bad_request
from orgaccess.emulator.query import QueryString
from orgaccess.emulator.routes import common as routes_common
from orgaccess.emulator.routes.common import not_found
from orgaccess.platform.genesys import permissions, wire
from orgaccess.platform.models import Role


class Paging(routes_common.Paging):
    """The seed's paging up to 500 a page, and the URIs of the neighbouring pages, as Genesys answers them."""

    pageSize: int = Field(25, ge=1, le=500)
    # Every page's URI up to its number: the path, the request's other query parameters (each URI
    # repeats them) and the page size. One private attribute, read once a listing: each read of one
    # goes through pydantic's __getattr__, and five URIs' worth were 4% of the emulator's CPU.
    _uri_prefix: str = PrivateAttr("")

    @classmethod
    def of(cls, request: Request) -> Self:
        paging = super().of(request)
        # Encoded once, not once per URI: urlencode was 5% of the emulator's CPU in a fleet's read.
        others = urlencode([(key, value) for key, value in request.query_params.multi_items() if key not in _PAGE_KEYS])
        query = f"{others}&" if others else ""
        paging._uri_prefix = f"{request.scope['path']}?{query}pageSize={paging.pageSize}&pageNumber="
        return paging

    def page(self, items: Sequence[Any]) -> dict[str, Any]:
        listing = super().page(items)
        count, number, prefix = listing["pageCount"], self.pageNumber, self._uri_prefix
        listing |= {"firstUri": f"{prefix}1", "selfUri": f"{prefix}{number}", "lastUri": f"{prefix}{max(count, 1)}"}
        if number < count:
            listing["nextUri"] = f"{prefix}{number + 1}"
        if 1 < number <= count:
            listing["previousUri"] = f"{prefix}{number - 1}"
        return listing


_PAGE_KEYS = ("pageSize", "pageNumber")

F = TypeVar("F", bound=Callable[..., Any])


def listing(router: APIRouter, path: str, page: type[BaseModel], query: type[QueryString]) -> Callable[[F], F]:
    """A GET answering a `page` (a `wire.Listing`), absent fields left out, its query read by `query`."""
    return router.get(path, response_model=page, response_model_exclude_none=True, openapi_extra=query.documented())


def home_division(org_id: str) -> wire.Division:
    """The org's home division: where a grant goes when no other is named."""
    return _division(_home_division_id(org_id), "Home", "The org's home division", home=True)


@functools.cache
def _home_division_id(org_id: str) -> str:
    # Asked for every grant a listing answers with: a uuid5 each time was 2% of the emulator's CPU.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"division/{org_id}"))


def _division(division_id: str, name: str, description: str, home: bool = False) -> wire.Division:
    return wire.Division(
        id=division_id,
        name=name,
        description=description,
        homeDivision=home,
        selfUri=f"/api/v2/authorization/divisions/{division_id}",
    )


def divisions(db: sqlite3.Connection, org_id: str, counted: bool = False) -> list[wire.Division]:
    """The org's divisions, home first; `counted`, with their `objectCounts`."""
    others = [_division(i, name, f"The {name} division") for i, name in store.list_divisions(db, org_id)]
    found = [home_division(org_id), *others]
    if not counted:
        return found
    # The emulator models one queue per division that holds recordings: a recording belongs to its
    # conversation, and a conversation to the division of its queue.
    recorded = store.recording_divisions(db, org_id)
    return [
        d.model_copy(update={"objectCounts": {"QUEUE": int(stored_division(d, org_id) in recorded)}}) for d in found
    ]


def wire_division_id(org_id: str, stored: str) -> str:
    """A grant's division id as answered, without the division: a client's listing names only ids,
    and making each division to take its id was 4% of the emulator's CPU in a fleet's read."""
    if stored == store.ALL_DIVISIONS:
        return wire.ALL_DIVISIONS
    return _home_division_id(org_id) if stored == store.HOME else stored


def wire_division(db: sqlite3.Connection, org_id: str, stored: str) -> wire.Division:
    """A grant's division as answered: `*` (every division) is answered with that id."""
    if stored == store.ALL_DIVISIONS:
        return wire.Division(
            id=wire.ALL_DIVISIONS, name="All divisions", description="Every division, present and future"
        )
    if stored == store.HOME:
        return home_division(org_id)
    # The one division named, not every division of the org made and searched, for each grant.
    name = next(name for division_id, name in store.list_divisions(db, org_id) if division_id == stored)
    return _division(stored, name, f"The {name} division")


def stored_division(division: wire.Division, org_id: str) -> str:
    return store.HOME if division.id == _home_division_id(org_id) else division.id


def division_or_404(db: sqlite3.Connection, org_id: str, division_id: str, field: str = "") -> str:
    """The stored form of a division id the caller named (`*` for all), or 404 naming it."""
    if division_id == wire.ALL_DIVISIONS:
        return store.ALL_DIVISIONS
    for division in divisions(db, org_id):
        if division.id == division_id:
            return stored_division(division, org_id)
    raise not_found(f"{field}: division '{division_id}'" if field else f"division '{division_id}'")


def wire_role(role: Role) -> wire.Role:
    return wire.Role(
        id=role.id,
        name=role.name,
        description=role.description,
        permissionPolicies=list(role_policies(role)),
        default=role.builtIn,
        selfUri=f"/api/v2/authorization/roles/{role.id}",
    )


def role_policies(role: Role) -> tuple[wire.PermissionPolicy, ...]:
    """A role's permissions as Genesys answers them: a policy per domain and entity."""
    return _policies(tuple(role.permissions))


@functools.lru_cache(maxsize=4096)
def _policies(role_permissions: tuple[str, ...]) -> tuple[wire.PermissionPolicy, ...]:
    # Roles share a few sets of permissions, and grouping one each time a role is answered was a
    # third of a roles listing's own time.
    return tuple(permissions.policies(role_permissions))


def role_or_404(db: sqlite3.Connection, org_id: str, role_id: str) -> Role:
    role = store.get_role(db, org_id, role_id)
    if role is None:
        raise not_found(f"role '{role_id}'")
    return role


def granted_pairs(
    db: sqlite3.Connection, org_id: str, pairs: Sequence[wire.RoleDivision], field: str
) -> list[tuple[Role, str]]:
    """The (role, stored division) of `{roleId, divisionId}` pairs: each role and division must exist."""
    found = []
    for i, pair in enumerate(pairs):
        division = division_or_404(db, org_id, pair.divisionId, f"{field}[{i}].divisionId")
        role = store.get_role(db, org_id, pair.roleId)
        if role is None:
            raise ApiError(404, message=f"{field}[{i}].roleId: role '{pair.roleId}' was not found")
        found.append((role, division))
    return found


def stored_permissions(request_policies: Sequence[permissions.PermissionPolicy], legacy: Sequence[str]) -> list[str]:
    """A role request's permissions as stored; 400 names a legacy or unknown one."""
    if legacy:
        raise bad_request("body.permissions: legacy permission names are not supported; use permissionPolicies")
    for i, policy in enumerate(request_policies):
        for j, action in enumerate(policy.actionSet):
            name = f"{policy.domain}:{policy.entityName}:{action}"
            if name not in permissions.CATALOGUE:
                raise bad_request(f"body.permissionPolicies[{i}].actionSet[{j}]: unknown permission '{name}'")
    return permissions.flatten(request_policies)
