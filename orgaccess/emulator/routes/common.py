"""What several routes share: paging, name checks, optimistic versions."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from pydantic import Field

from orgaccess.emulator import reasons, store
from orgaccess.emulator.errors import ApiError, bad_request
from orgaccess.emulator.query import QueryString
from orgaccess.platform.models import LicenseFeature, Role
from orgaccess.vocabulary import PERMISSIONS

T = TypeVar("T")


class Paging(QueryString):
    """A listing's page, as the query asks for it."""

    pageSize: int = Field(25, ge=1, le=100)
    pageNumber: int = Field(1, ge=1)

    def page(self, items: Sequence[Any]) -> dict[str, Any]:
        start = (self.pageNumber - 1) * self.pageSize
        return {
            "entities": items[start : start + self.pageSize],
            "pageSize": self.pageSize,
            "pageNumber": self.pageNumber,
            "total": len(items),
            "pageCount": math.ceil(len(items) / self.pageSize),
        }


def require_known(values: Iterable[str], field: str, kind: str) -> None:
    """400 naming the first unknown permission (or scope), e.g. `body.permissions[0]`."""
    for i, value in enumerate(values):
        if value not in PERMISSIONS:
            raise bad_request(f"{field}[{i}]: unknown {kind} '{value}'")


def require_version(sent: int, current: int) -> None:
    if sent != current:
        message = f"version {sent} is stale: the current version is {current}"
        raise ApiError(409, reason=reasons.VERSION_STALE, message=message)


def duplicate_name(name: str) -> ApiError:
    message = f"the name '{name}' is already taken in this org"
    return ApiError(409, reason=reasons.NAME_DUPLICATE, message=message)


def not_found(what: str) -> ApiError:
    return ApiError(404, message=f"{what} was not found")


def existing(found: T | None, what: str) -> T:
    """`found`, or 404 naming `what`."""
    if found is None:
        raise not_found(what)
    return found


def role_or_404(db: sqlite3.Connection, org_id: str, role_id: str) -> Role:
    return existing(store.get_role(db, org_id, role_id), f"role '{role_id}'")


def custom_role(role: Role) -> Role:
    """The role, unless it is built in: those stay as the platform made them (403)."""
    if role.builtIn:
        raise ApiError(403, reason=reasons.BUILTIN_READONLY)
    return role


def own_client(db: sqlite3.Connection, org_id: str, client_id: str, noun: str) -> store.ClientRecord:
    """A client of `org_id`; it lives in its home org, and from any other org it does not exist (404)."""
    record = store.get_client(db, client_id)
    if record is None or record.org_id != org_id:
        raise not_found(f"{noun} '{client_id}'")
    return record


def license_or_404(db: sqlite3.Connection, org_id: str, name: str) -> LicenseFeature:
    return existing(store.get_license(db, org_id, name), f"license feature '{name}'")


def contract_managed(name: str) -> ApiError:
    """409 `license.contract.required`: a contract-managed feature cannot be switched by API."""
    return ApiError(
        409,
        code=reasons.LICENSE_CONTRACT,
        reason=reasons.LICENSE_CONTRACT,
        message=f"The feature '{name}' is managed by contract and cannot be changed by API.",
    )
