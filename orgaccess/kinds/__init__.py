"""The managed kinds, by name. A new kind is one module here, one line below."""

from orgaccess.kinds import license_feature, role, role_binding, service_account
from orgaccess.kinds.base import Kind

KINDS: dict[str, Kind] = {
    kind.name: kind for kind in (service_account.KIND, role.KIND, role_binding.KIND, license_feature.KIND)
}
