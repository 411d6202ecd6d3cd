"""The declarations as the list of objects to reconcile, in dependency order.

The Pulumi program turns each into a resource; `orgaccess drift` observes each
directly. One list, so the program and the report cover exactly the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orgaccess.declarations import Declarations
from orgaccess.kinds import license_feature, role, role_binding, service_account


@dataclass(frozen=True)
class Desired:
    kind: str
    # The resource name, readable in `pulumi preview`: `org-partner-a/Recording Analyst`.
    name: str
    org: str
    props: dict[str, Any]
    # Keys of the objects that must exist first.
    depends_on: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)


def plan(decls: Declarations) -> list[Desired]:
    home = decls.homeOrg
    out: list[Desired] = [
        Desired("ServiceAccount", f"{home}/{a.name}", home, service_account.declared(home, a))
        for a in decls.serviceAccounts
    ]
    for org in decls.orgs:
        roles = [
            Desired("Role", f"{org.id}/{r.name}", org.id, role.declared(org.id, r))
            for r in decls.roles_bound_in(org.id)
        ]
        out += roles
        out += [
            Desired("LicenseFeature", f"{org.id}/{feature}", org.id, license_feature.declared(org.id, feature, on))
            for feature, on in org.licenses.items()
        ]
        for binding in org.bindings:
            needs = [("ServiceAccount", f"{home}/{binding.serviceAccount}")]
            needs += [r.key for r in roles if r.props["name"] in binding.roles]
            out.append(
                Desired(
                    "RoleBinding",
                    f"{org.id}/{binding.serviceAccount}",
                    org.id,
                    role_binding.declared(org.id, home, binding),
                    tuple(needs),
                )
            )
    return out
