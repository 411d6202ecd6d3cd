"""Everything orgaccess manages in one org, as one resource: its roles, role bindings and licenses.

Roles converge first, so that the bindings can grant them; a license that the platform will not
change fails the resource only after every other object of the org has converged.
"""

from __future__ import annotations

from typing import Any

from orgaccess.kinds import license_feature, role, role_binding
from orgaccess.kinds.base import Composite

# Under `objects`, the outputs keep per object what its kind keeps (ids, adopted, preexisting).
OBJECTS = "objects"


def declared(org: str, parts: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {"org": org, **{key: parts.get(key, []) for key, _ in KIND.parts}}


KIND = Composite(
    name="OrgAccess",
    identity=("org",),
    parts=(("roles", role.KIND), ("bindings", role_binding.KIND), ("licenses", license_feature.KIND)),
)
