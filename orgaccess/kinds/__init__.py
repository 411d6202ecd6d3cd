"""The managed kinds, by name. A new kind is one module here, one line below.

Roles, role bindings and licenses are parts of an org's `OrgAccess` resource; they are listed
too, because stacks made before orgaccess 0.2 hold one resource per object (see providers/).
"""

from orgaccess.kinds import license_feature, org_access, role, role_binding, service_account
from orgaccess.kinds.base import Composite, Kind

KINDS: dict[str, Kind | Composite] = {
    kind.name: kind
    for kind in (service_account.KIND, org_access.KIND, role.KIND, role_binding.KIND, license_feature.KIND)
}
