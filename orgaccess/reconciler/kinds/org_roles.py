"""An org's roles, one part of the snapshot: the role kind converges them, and a grant listed by
ids (a client's `roleDivisions` on genesys-cloud) is named from them (kinds/grants.py)."""

from __future__ import annotations

from orgaccess.platform.models import Role
from orgaccess.reconciler.snapshot import Fleet


def roles(fleet: Fleet, org: str, *, fresh: bool = False) -> dict[str, Role]:
    """Every role of `org` (built-in ones included) by name."""
    return fleet.part(("roles", org), lambda: {r.name: r for r in fleet.client.list_roles(org)}, fresh=fresh)


def forget_roles(fleet: Fleet, org: str) -> None:
    fleet.forget(("roles", org))
