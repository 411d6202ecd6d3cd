"""Custom roles: created in each org that binds them; their permissions are the complete set."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, TypedDict

from orgaccess.declarations.access_yaml import Declarations, RoleDecl
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.errors import NotFound
from orgaccess.platform.models import Role, RoleSpec, RoleUpdate
from orgaccess.reconciler.kinds.base import Change, Desired, Kind, KindError, Observed, Props, delta
from orgaccess.reconciler.snapshot import Fleet


class RoleProps(TypedDict):
    """A role as declared in one org: its resource's inputs."""

    org: str
    name: str
    permissions: list[str]
    description: str


def declared(org: str, role: RoleDecl) -> RoleProps:
    return {
        "org": org,
        "name": role.name,
        "permissions": sorted(set(role.permissions)),
        "description": role.description,
    }


def plan(decls: Declarations, _platform: Dialect) -> Iterator[Desired]:
    """Each custom role in every org that binds it."""
    for org in decls.orgs:
        for role in decls.roles_bound_in(org.id):
            yield KIND.desired(declared(org.id, role))


def review(change: Change) -> str | None:
    added = delta(change.before.get("permissions", []), change.after.get("permissions", []))
    return added and f"Role {change.props['name']}{change.marker}: {added}"


def _facts(role: Role) -> dict[str, Any]:
    return {"roleId": role.id, "builtIn": role.builtIn}


def observe(fleet: Fleet, props: Props) -> Observed:
    live = fleet.roles(props["org"]).get(props["name"])
    if live is None:
        return Observed(None)
    return Observed({"permissions": sorted(live.permissions)}, facts=_facts(live))


def converge(fleet: Fleet, props: Props, prior: Props) -> dict[str, Any]:
    org, name = props["org"], props["name"]
    live = fleet.roles(org, fresh=True).get(name)
    if live is not None and live.builtIn:
        raise KindError(f"role '{name}' is built in to org '{org}'; declare a custom role under another name")
    adopted = bool(prior.get("adopted", live is not None))
    if live is None:
        spec = RoleSpec(name=name, description=props["description"], permissions=props["permissions"])
        live = fleet.client.create_role(org, spec)
        fleet.forget_roles(org)
    elif sorted(live.permissions) != props["permissions"]:
        update = RoleUpdate(
            name=name, description=live.description, permissions=props["permissions"], version=live.version
        )
        live = fleet.client.update_role(org, live.id, update)
        fleet.forget_roles(org)
    return {**props, **_facts(live), "adopted": adopted}


def delete(fleet: Fleet, props: Props) -> None:
    live = fleet.roles(props["org"], fresh=True).get(props["name"])
    if live is None or live.builtIn:
        return
    with contextlib.suppress(NotFound):
        fleet.client.delete_role(props["org"], live.id)
    fleet.forget_roles(props["org"])


KIND = Kind(
    name="Role",
    fields=("permissions",),
    identity=("org", "name"),
    observe=observe,
    converge=converge,
    delete=delete,
    plan=plan,
    review=review,
    column="roles",
)
