"""Everything orgaccess manages in one org, as one resource: its roles, role bindings and licenses.

Roles converge first, so that the bindings can grant them. An object that cannot converge (a
license that the platform will not change) does not stop the others: it is listed under `failed`.
"""

from __future__ import annotations

from orgaccess.reconciler.kinds import license_feature, role, role_binding
from orgaccess.reconciler.kinds.base import Composite

KIND = Composite(
    name="OrgAccess",
    identity=("org",),
    parts=[("roles", role.KIND), ("bindings", role_binding.KIND), ("licenses", license_feature.KIND)],
    # `failed`: the objects of the last create or update that could not converge (kinds/base.FAILED).
    outputs=("objects", "failed"),
)
