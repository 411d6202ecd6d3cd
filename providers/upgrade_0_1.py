"""The upgrade of a stack made before orgaccess 0.2: an upgrade step, never a way to declare anything.

orgaccess 0.1 made one resource per role, role binding and license (`Role`, `RoleBinding`,
`LicenseFeature`). 0.2 makes those objects parts of their org's `OrgAccess` resource, and the
program declares no resource of their kinds (`providers.resources.resource_type` refuses them).
A 0.1 stack's state still holds them, each with its provider pickled as `KindProvider(<kind>)`,
and the engine runs those pickles: that is the only way a resource of these kinds reaches a
provider, and why `KindProvider` still answers for them.

On the stack's first `up` with 0.2, each org's `OrgAccess` resource adopts the org's objects
(reads only), and the engine deletes the old resources, which are no longer declared. Their
delete releases the object instead (`release`), so the upgrade writes nothing to the platform
(tests/e2e/test_upgrade_from_0_1.py).
"""

from __future__ import annotations

from typing import Any

from orgaccess.reconciler.kinds import KINDS, is_part
from orgaccess.reconciler.kinds.base import note


def from_0_1(kind: str) -> bool:
    """Whether a resource of `kind` can only be left over from 0.1: its objects are now parts of an org's resource."""
    return is_part(KINDS[kind])


def release(kind: str, id_: str, props: dict[str, Any]) -> None:
    """The delete of a 0.1 resource: its object stays on the platform, now held by its org's `OrgAccess`."""
    note(f"{kind} {id_}: now part of OrgAccess {props['org']}; left on the platform")
