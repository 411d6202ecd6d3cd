"""The declarations as the list of objects to reconcile, in dependency order.

`orgaccess drift` observes each directly; the Pulumi program makes a resource of each
service account and one of each org's other objects (`per_org`). One list, so the program
and the report cover exactly the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orgaccess.declarations import Declarations
from orgaccess.kinds import license_feature, org_access, role, role_binding, service_account
from orgaccess.platform.dialect import Dialect

ACCOUNT = "ServiceAccount"


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


def plan(decls: Declarations, platform: Dialect = Dialect.SEED) -> list[Desired]:
    """The objects to reconcile. On genesys-cloud a client acts in its own org only, so each account
    is a client in the home org and in every org that binds it, and is bound there as itself."""
    home = decls.homeOrg
    out: list[Desired] = [
        Desired(ACCOUNT, f"{org}/{a.name}", org, service_account.declared(org, a))
        for a in decls.serviceAccounts
        for org in account_orgs(decls, a.name, platform)
    ]
    for org in decls.orgs:
        # Where the bound account lives: its own org on genesys-cloud, the home org elsewhere.
        account_home = org.id if platform is Dialect.GENESYS_CLOUD else home
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
            needs = [(ACCOUNT, f"{account_home}/{binding.serviceAccount}")]
            needs += [r.key for r in roles if r.props["name"] in binding.roles]
            out.append(
                Desired(
                    "RoleBinding",
                    f"{org.id}/{binding.serviceAccount}",
                    org.id,
                    role_binding.declared(org.id, account_home, binding),
                    tuple(needs),
                )
            )
    return out


def account_orgs(decls: Declarations, account: str, platform: Dialect) -> list[str]:
    """The orgs where `account` exists: the home org, and on genesys-cloud each org that binds it."""
    orgs = [decls.homeOrg]
    if platform is Dialect.GENESYS_CLOUD:
        orgs += [org.id for org in decls.orgs if any(b.serviceAccount == account for b in org.bindings)]
    return list(dict.fromkeys(orgs))


def per_org(desired: list[Desired]) -> list[Desired]:
    """The program's resources: each service account, then one `OrgAccess` per org holding the rest.

    The engine's cost grows with the number of resources squared (bench/results/profile.md), so an
    org's roles, bindings and licenses are one resource, which depends on the accounts it binds.
    """
    accounts = [d for d in desired if d.kind == ACCOUNT]
    by_org: dict[str, list[Desired]] = {}
    for item in desired:
        if item.kind != ACCOUNT:
            by_org.setdefault(item.org, []).append(item)
    orgs = []
    for org, items in by_org.items():
        parts = {key: [d.props for d in items if d.kind == kind.name] for key, kind in org_access.KIND.parts}
        needs = tuple(sorted({key for d in items for key in d.depends_on if key[0] == ACCOUNT}))
        orgs.append(Desired(org_access.KIND.name, org, org, org_access.KIND.declared(org, parts), needs))
    return accounts + orgs
