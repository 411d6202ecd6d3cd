"""The roles granted to one service account in one org: the declared set is the complete set."""

from __future__ import annotations

import contextlib
from typing import Any

from orgaccess.declarations import BindingDecl
from orgaccess.kinds.base import Kind, KindError, Observed, Props
from orgaccess.platform.errors import NotFound
from orgaccess.platform.models import OAuthClient
from orgaccess.snapshot import Fleet


def declared(org: str, home_org: str, binding: BindingDecl) -> dict[str, Any]:
    return {
        "org": org,
        "homeOrg": home_org,
        "serviceAccount": binding.serviceAccount,
        "roles": sorted(set(binding.roles)),
        "justification": binding.justification,
    }


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
)
