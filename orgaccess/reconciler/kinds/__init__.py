"""The managed kinds, by name: the one place the rest of orgaccess learns which kinds exist.

A new kind is one module here and one line below. The program, `orgaccess drift`, the review,
the policy pack, the drift page and the providers reach every kind through this registry and
name none of them (kinds/base.Kind says what a kind owns).

Roles, role bindings and licenses are parts of an org's `OrgAccess` resource; they are listed
too, because they are planned, compared and reviewed one object at a time, and because stacks
made before orgaccess 0.2 hold one resource per object (see providers/).
"""

from __future__ import annotations

from collections.abc import Iterator

from orgaccess.platform.dialect import Dialect
from orgaccess.reconciler.kinds import license_feature, org_access, role, role_binding, service_account
from orgaccess.reconciler.kinds.base import Composite, Kind

# In plan order: a kind's objects may depend only on objects of the kinds before it.
KINDS: dict[str, Kind | Composite] = {
    kind.name: kind
    for kind in (service_account.KIND, role.KIND, license_feature.KIND, role_binding.KIND, org_access.KIND)
}


def register(kind: Kind, part_of: Composite | None = None, key: str = "") -> None:
    """Adds `kind`: a resource of its own, or the objects listed under `key` in `part_of`'s resources."""
    if kind.name in KINDS:
        raise ValueError(f"a kind named {kind.name!r} is already registered")
    KINDS[kind.name] = kind
    if part_of is not None:
        part_of.parts.append((key, kind))


def unregister(kind: Kind) -> None:
    """Forgets a kind that `register` added."""
    del KINDS[kind.name]
    for composite in composites():
        composite.parts[:] = [(key, part) for key, part in composite.parts if part is not kind]


def object_kind(name: str) -> Kind:
    """The kind of object named `name` (a composite is a resource of objects, not one)."""
    kind = KINDS[name]
    if not isinstance(kind, Kind):
        raise TypeError(f"{name} is a resource of objects of other kinds, not a kind of object")
    return kind


def composites() -> list[Composite]:
    return [kind for kind in KINDS.values() if isinstance(kind, Composite)]


def kinds() -> list[Kind]:
    """The kinds of object, in plan order."""
    return [kind for kind in KINDS.values() if isinstance(kind, Kind)]


def is_part(kind: Kind | Composite, dialect: Dialect | None = None) -> bool:
    """Whether `kind`'s objects are parts of another kind's resources rather than resources of their
    own, on `dialect`'s platform (None: on every platform)."""
    return any(
        part is kind and composite.holds(key, dialect) for composite in composites() for key, part in composite.parts
    )


def in_reading_order() -> Iterator[Kind]:
    """The kinds as people read them in a review or on the drift page: those that are resources of
    their own on some platform first, then the other parts of each composite in the order they converge."""
    own = [kind for kind in kinds() if not is_part(kind)]
    yield from own
    for composite in composites():
        yield from (kind for _, kind in composite.parts if kind not in own)
