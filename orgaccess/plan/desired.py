"""The declarations as the list of objects to reconcile, in dependency order.

`orgaccess drift` observes each directly; the Pulumi program makes a resource of each object
whose kind is a resource of its own on the platform (a service account in the home org) and one of
each org's other objects (`per_org`). One list, so the program and the report cover exactly the same objects. Each kind
plans its own objects (kinds/base.Kind.plan); this module only orders and groups them.
"""

from __future__ import annotations

from orgaccess import collector
from orgaccess.declarations.access_yaml import Declarations
from orgaccess.platform.dialect import Dialect
from orgaccess.reconciler.kinds import composites, is_part, kinds
from orgaccess.reconciler.kinds.base import Composite, Desired

__all__ = ["Desired", "per_org", "plan"]


def plan(decls: Declarations, dialect: Dialect) -> list[Desired]:
    """The objects to reconcile on `dialect`'s platform: those that are resources of their own first
    (the orgs' resources depend on them), then each org's objects, by org in file order, each org's
    in plan order."""
    # Made once and kept whole (orgaccess/collector.py).
    with collector.paused():
        planned = [d for kind in kinds() for d in kind.plan(decls, dialect)]
    orgs = {org.id: i for i, org in enumerate(decls.orgs)}
    parts = _part_kinds(dialect)

    def position(item: Desired) -> tuple[int, int]:
        # An org that the declarations do not list (a stack's narrowed part lacks the home org, where
        # each account has a client) goes last: its stack is another's, which drops it.
        return (1, orgs.get(item.org, len(orgs))) if item.kind in parts else (0, 0)

    return sorted(planned, key=position)


def per_org(desired: list[Desired], dialect: Dialect) -> list[Desired]:
    """The program's resources on `dialect`'s platform: each object that is a resource of its own
    there, then one composite resource (`OrgAccess`) per org holding the rest.

    The engine's cost grows with the number of resources squared (bench/results/profile.md), so an
    org's roles, bindings and licenses are one resource, which depends on the accounts it binds.
    """
    parts = _part_kinds(dialect)
    own = [d for d in desired if d.kind not in parts]
    owned = {d.key for d in own}
    return own + [resource for composite in composites() for resource in _grouped(composite, desired, owned, dialect)]


def _part_kinds(dialect: Dialect) -> set[str]:
    """The kinds whose objects are parts of a composite's resources on `dialect`'s platform."""
    return {kind.name for kind in kinds() if is_part(kind, dialect)}


def _grouped(
    composite: Composite, desired: list[Desired], owned: set[tuple[str, str]], dialect: Dialect
) -> list[Desired]:
    """One `composite` resource per org holding its parts, after the resources of their own it needs."""
    held = {kind.name for key, kind in composite.parts if composite.holds(key, dialect)}
    by_org: dict[str, list[Desired]] = {}
    for item in desired:
        if item.kind in held:
            by_org.setdefault(item.org, []).append(item)
    return [_composite_of(composite, org, items, owned) for org, items in by_org.items()]


def _composite_of(composite: Composite, org: str, items: list[Desired], owned: set[tuple[str, str]]) -> Desired:
    parts = {key: [d.props for d in items if d.kind == kind.name] for key, kind in composite.parts}
    needs = tuple(sorted({key for d in items for key in d.depends_on if key in owned}))
    return composite.desired(org, parts, needs)
