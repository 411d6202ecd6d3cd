"""Custom roles: created in each org that binds them; their permissions are the complete set."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, TypedDict

from orgaccess.declarations.access_yaml import Declarations, OrgDecl, RoleDecl
from orgaccess.declarations.yamlsource import show
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.errors import NotFound
from orgaccess.platform.models import Role, RoleSpec, RoleUpdate
from orgaccess.reconciler.kinds.base import (
    Change,
    Desired,
    Exporter,
    Exporting,
    FlowList,
    Kind,
    KindError,
    Observed,
    Props,
    delta,
)
from orgaccess.reconciler.kinds.grants import exported_grants
from orgaccess.reconciler.kinds.org_roles import forget_roles, roles
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


def read(fleet: Fleet, _dialect: Dialect, _decls: Declarations, org: OrgDecl) -> None:
    roles(fleet, org.id)


def plan(decls: Declarations, _dialect: Dialect) -> Iterator[Desired]:
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
    live = roles(fleet, props["org"]).get(props["name"])
    if live is None:
        return Observed(None)
    return Observed({"permissions": sorted(live.permissions)}, facts=_facts(live))


def converge(fleet: Fleet, props: Props, prior: Props) -> dict[str, Any]:
    org, name = props["org"], props["name"]
    live = roles(fleet, org, fresh=True).get(name)
    if live is not None and live.builtIn:
        raise KindError(f"role '{name}' is built in to org '{org}'; declare a custom role under another name")
    adopted = bool(prior.get("adopted", live is not None))
    if live is None:
        spec = RoleSpec(name=name, description=props["description"], permissions=props["permissions"])
        live = fleet.client.create_role(org, spec)
        forget_roles(fleet, org)
    elif sorted(live.permissions) != props["permissions"]:
        update = RoleUpdate(
            name=name, description=live.description, permissions=props["permissions"], version=live.version
        )
        live = fleet.client.update_role(org, live.id, update)
        forget_roles(fleet, org)
    return {**props, **_facts(live), "adopted": adopted}


def delete(fleet: Fleet, props: Props) -> None:
    live = roles(fleet, props["org"], fresh=True).get(props["name"])
    if live is None or live.builtIn:
        return
    with contextlib.suppress(NotFound):
        fleet.client.delete_role(props["org"], live.id)
    forget_roles(fleet, props["org"])


def exported(exporting: Exporting, orgs: list[str]) -> dict[str, Any]:
    """Every custom role granted to an exported account in the orgs; one name must mean one set of
    permissions, as access.yaml declares one per name."""
    # Role name -> permission set -> (the orgs with that set, one such role).
    seen: dict[str, dict[tuple[str, ...], tuple[list[str], Role]]] = {}
    for org in sorted(orgs):
        for role in _custom(exported_grants(exporting, org)):
            variants = seen.setdefault(role.name, {})
            variants.setdefault(tuple(sorted(set(role.permissions))), ([], role))[0].append(org)
    problems = [_differs(name, variants) for name, variants in sorted(seen.items()) if len(variants) > 1]
    if problems:
        raise KindError("\n".join(problems))
    chosen = {name: next(iter(variants.values()))[1] for name, variants in seen.items()}
    return {"roles": [_exported(chosen[name]) for name in sorted(chosen)]}


def _custom(grants: dict[str, list[Role]]) -> list[Role]:
    return list({r.id: r for held in grants.values() for r in held if not r.builtIn}.values())


def _differs(name: str, variants: dict[tuple[str, ...], tuple[list[str], Role]]) -> str:
    sets = "; ".join(f"[{', '.join(perms)}] in {', '.join(map(show, orgs))}" for perms, (orgs, _) in variants.items())
    return (
        f"role {show(name)} differs between orgs: {sets}; one access.yaml declares one set of permissions "
        "per role name: make them equal on the platform, or export those orgs separately"
    )


def _exported(role: Role) -> dict[str, Any]:
    out: dict[str, Any] = {"name": role.name}
    if role.description:
        out["description"] = role.description
    return out | {"permissions": FlowList(sorted(set(role.permissions)))}


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
    read=read,
    export=Exporter(top=exported),
)
