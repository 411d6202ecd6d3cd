"""What the genesys-cloud routes share: paging with page URIs, the home division, wire conversions.

Every route answers with `response_model_exclude_none`: Genesys Cloud leaves absent fields out
rather than answering null.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request

from orgaccess.emulator import store
from orgaccess.emulator.errors import ApiError, bad_request
from orgaccess.emulator.routes import common as routes_common
from orgaccess.emulator.routes.common import not_found
from orgaccess.platform.genesys import permissions, wire
from orgaccess.platform.models import Role


@dataclass(frozen=True)
class Paging(routes_common.Paging):
    """The seed's paging, and the URIs of the neighbouring pages, as Genesys answers them."""

    path: str
    query: dict[str, str]

    def page(self, items: Sequence[Any]) -> dict[str, Any]:
        listing = super().page(items)
        count = listing["pageCount"]
        listing |= {"firstUri": self._uri(1), "selfUri": self._uri(self.number), "lastUri": self._uri(max(count, 1))}
        if self.number < count:
            listing["nextUri"] = self._uri(self.number + 1)
        if 1 < self.number <= count:
            listing["previousUri"] = self._uri(self.number - 1)
        return listing

    def _uri(self, number: int) -> str:
        return f"{self.path}?{urlencode({**self.query, 'pageSize': self.size, 'pageNumber': number})}"


async def paging(
    request: Request,
    pageSize: Annotated[int, Query(ge=1, le=500)] = 25,
    pageNumber: Annotated[int, Query(ge=1)] = 1,
) -> Paging:
    query = {key: value for key, value in request.query_params.items() if key not in ("pageSize", "pageNumber")}
    return Paging(pageSize, pageNumber, request.url.path, query)


PageParams = Annotated[Paging, Depends(paging)]


def home_division(org_id: str) -> wire.Division:
    """Each org's one division; orgaccess grants roles there and nowhere else."""
    division_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"division/{org_id}"))
    return wire.Division(
        id=division_id,
        name="Home",
        description="The org's home division",
        homeDivision=True,
        selfUri=f"/api/v2/authorization/divisions/{division_id}",
    )


def require_home(org_id: str, division_id: str) -> None:
    if division_id != home_division(org_id).id:
        raise not_found(f"division '{division_id}'")


def wire_role(role: Role) -> wire.Role:
    return wire.Role(
        id=role.id,
        name=role.name,
        description=role.description,
        permissionPolicies=permissions.policies(role.permissions),
        default=role.builtIn,
        selfUri=f"/api/v2/authorization/roles/{role.id}",
    )


def role_or_404(db: sqlite3.Connection, org_id: str, role_id: str) -> Role:
    role = store.get_role(db, org_id, role_id)
    if role is None:
        raise not_found(f"role '{role_id}'")
    return role


def granted_roles(db: sqlite3.Connection, org_id: str, pairs: Sequence[wire.RoleDivision], field: str) -> list[Role]:
    """The roles of `{roleId, divisionId}` pairs: each role must exist, each division be the home one."""
    roles = []
    for i, pair in enumerate(pairs):
        if pair.divisionId != home_division(org_id).id:
            raise ApiError(404, message=f"{field}[{i}].divisionId: division '{pair.divisionId}' was not found")
        role = store.get_role(db, org_id, pair.roleId)
        if role is None:
            raise ApiError(404, message=f"{field}[{i}].roleId: role '{pair.roleId}' was not found")
        roles.append(role)
    return roles


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
