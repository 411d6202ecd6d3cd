"""The roles granted to one service account in one org: the declared set is the complete set."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, TypedDict

from orgaccess.declarations import BindingDecl, Declarations
from orgaccess.kinds import role as role_kind
from orgaccess.kinds import service_account
from orgaccess.kinds.base import Change, Desired, Kind, KindError, Observed, Props, delta
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.errors import NotFound
from orgaccess.platform.models import OAuthClient
from orgaccess.snapshot import Fleet


class BindingProps(TypedDict):
    """An account's complete set of roles in one org; `homeOrg` is where the account lives."""

    org: str
    homeOrg: str
    serviceAccount: str
    roles: list[str]
    justification: str | None


def declared(org: str, home_org: str, binding: BindingDecl) -> BindingProps:
    return {
        "org": org,
        "homeOrg": home_org,
        "serviceAccount": binding.serviceAccount,
        "roles": sorted(set(binding.roles)),
        "justification": binding.justification,
    }


def plan(decls: Declarations, platform: Dialect) -> Iterator[Desired]:
    """One binding per (org, account), after the account and the roles it grants."""
    for org in decls.orgs:
        # Where the bound account lives: its own org on genesys-cloud, the home org elsewhere.
        account_home = org.id if platform is Dialect.GENESYS_CLOUD else decls.homeOrg
        roles = [r.name for r in decls.roles_bound_in(org.id)]
        for binding in org.bindings:
            needs = [service_account.KIND.key_of(account_home, binding.serviceAccount)]
            needs += [role_kind.KIND.key_of(org.id, name) for name in roles if name in binding.roles]
            yield KIND.desired(declared(org.id, account_home, binding), needs)


def review(change: Change) -> str | None:
    added = delta(change.before.get("roles", []), change.after.get("roles", []))
    # The reason is what a reviewer weighs a new grant against.
    why = change.after.get("justification") if "+ " in added else None
    return added and f"Grants to {change.props['serviceAccount']}{change.marker}: {added}" + (
        f' — justification: "{why}"' if why else ""
    )


def _account(fleet: Fleet, props: Props, *, fresh: bool = False) -> OAuthClient | None:
    return fleet.accounts(props["homeOrg"], fresh=fresh).get(props["serviceAccount"])


def observe(fleet: Fleet, props: Props) -> Observed:
    account = _account(fleet, props)
    if account is None:
        # Not created yet: it holds nothing, so every declared role is still to grant.
        return Observed({"roles": []})
    granted = fleet.grants(props["org"], account.id)
    return Observed({"roles": sorted(granted)}, facts={"subjectId": account.id})


def converge(fleet: Fleet, props: Props, prior: Props) -> dict[str, Any]:
    org, name = props["org"], props["serviceAccount"]
    # Accounts change only through their own resource, which runs first; re-list the home
    # org's accounts only when this one is not known yet (one listing per binding would put
    # every binding of the fleet on the home org's rate limit).
    account = _account(fleet, props) or _account(fleet, props, fresh=True)
    if account is None:
        raise KindError(
            f"service account '{name}' does not exist in home org '{props['homeOrg']}'; "
            "declare it under serviceAccounts so orgaccess creates it before binding it"
        )
    granted = fleet.grants(org, account.id, fresh=True)
    wanted = set(props["roles"])
    missing = sorted(wanted - set(granted))
    if missing:
        roles = fleet.roles(org, fresh=True)
        absent = [r for r in missing if r not in roles]
        if absent:
            raise KindError(f"role(s) {absent} do not exist in org '{org}'; declare them under roles")
        for role in missing:
            fleet.client.grant_role(org, account.id, roles[role].id)
    for role in sorted(set(granted) - wanted):
        with contextlib.suppress(NotFound):
            fleet.client.revoke_role(org, account.id, granted[role].id)
    fleet.forget_grants(org, account.id)
    # Grants that were there before orgaccess are left in place when the binding is destroyed.
    preexisting = prior.get("preexisting", sorted(wanted & set(granted)))
    return {**props, "subjectId": account.id, "preexisting": preexisting, "adopted": False}


def delete(fleet: Fleet, props: Props) -> None:
    account = _account(fleet, props)
    if account is None:
        return
    org = props["org"]
    granted = fleet.grants(org, account.id, fresh=True)
    for role in sorted(set(props["roles"]) - set(props.get("preexisting") or [])):
        if role in granted:
            with contextlib.suppress(NotFound):
                fleet.client.revoke_role(org, account.id, granted[role].id)
    fleet.forget_grants(org, account.id)


KIND = Kind(
    name="RoleBinding",
    fields=("roles",),
    identity=("org", "serviceAccount"),
    observe=observe,
    converge=converge,
    delete=delete,
    plan=plan,
    review=review,
    column="grants",
)
