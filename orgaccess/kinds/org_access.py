"""Everything orgaccess manages in one org, as one resource: its roles, role bindings and licenses.

Roles converge first, so that the bindings can grant them. An object that cannot converge (a
license that the platform will not change) does not stop the others: it is listed under `failed`.
"""

from __future__ import annotations

from typing import Any

from orgaccess.kinds import license_feature, role, role_binding
from orgaccess.kinds.base import Composite

# Under `objects`, the outputs keep per object what its kind keeps (ids, adopted, preexisting).
OBJECTS = "objects"
# The objects of the last create or update that could not converge, one line each, for people.
FAILED = "failed"


def declared(org: str, parts: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {"org": org, **{key: parts.get(key, []) for key, _ in KIND.parts}}


KIND = Composite(
    name="OrgAccess",
    identity=("org",),
    parts=(("roles", role.KIND), ("bindings", role_binding.KIND), ("licenses", license_feature.KIND)),
)
