"""Everything orgaccess manages in one org, as one resource: its roles, role bindings and licenses,
and, where accounts live per org (Genesys Cloud), the org's clients of the accounts.

Clients converge first, then roles, so that the bindings can grant the roles to the clients. An
object that cannot converge (a license that the platform will not change) does not stop the others:
it is listed under `failed`. A client's secret is kept apart from the other objects' outputs, in
`secrets`, which the state encrypts.
"""

from __future__ import annotations

from orgaccess.platform.dialect import Dialect
from orgaccess.reconciler.kinds import license_feature, role, role_binding, service_account
from orgaccess.reconciler.kinds.base import Composite


def _accounts_per_org(dialect: Dialect) -> bool:
    # Where every account lives in the home org, each is a resource of its own, which the orgs'
    # bindings depend on; where an org has its own clients, they are as much the org's as its roles.
    return dialect.accounts_per_org


KIND = Composite(
    name="OrgAccess",
    identity=("org",),
    parts=[
        ("clients", service_account.KIND),
        ("roles", role.KIND),
        ("bindings", role_binding.KIND),
        ("licenses", license_feature.KIND),
    ],
    # `failed`: the objects of the last create or update that could not converge (kinds/base.FAILED).
    outputs=("objects", "failed", "secrets"),
    secret_outputs=("secrets",),
    only_where={"clients": _accounts_per_org},
)
