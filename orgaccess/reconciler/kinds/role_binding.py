"""The roles granted to one service account in one org: the declared set is the complete set.

A grant is a (role, division) pair: each declared role in each declared division (on genesys-cloud,
`divisions`; the home division when absent, the only one on the seed platform). Every other pair
of the account in the org is revoked. The live divisions are compared as one field, `divisions`:
the divisions every granted role is in, or, when the roles are not all in the same ones, each
role's (`Recording Analyst in Queue East`), which can never equal a declaration and so shows as drift.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, NotRequired, TypedDict

from orgaccess.declarations.access_yaml import BindingDecl, Declarations, OrgDecl
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.errors import NotFound
from orgaccess.platform.models import ALL_DIVISIONS, EVERY_DIVISION, Division, Grant, OAuthClient
from orgaccess.reconciler.kinds import org_roles, service_account
from orgaccess.reconciler.kinds import role as role_kind
from orgaccess.reconciler.kinds.base import (
    Change,
    Desired,
    Exporter,
    Exporting,
    FlowList,
    Kind,
    KindError,
    Observed,
    Props,
    delta,
)
from orgaccess.reconciler.kinds.grants import divisions, exported_grants, forget_grants, grant_pairs
from orgaccess.reconciler.snapshot import Fleet


class BindingProps(TypedDict):
    """An account's complete set of roles in one org; `homeOrg` is where the account lives."""

    org: str
    homeOrg: str
    serviceAccount: str
    roles: list[str]
    justification: str | None
    # Only when declared: absent means the home division.
    divisions: NotRequired[list[str]]


def declared(org: str, home_org: str, binding: BindingDecl) -> BindingProps:
    props: BindingProps = {
        "org": org,
        "homeOrg": home_org,
        "serviceAccount": binding.serviceAccount,
        "roles": sorted(set(binding.roles)),
        "justification": binding.justification,
    }
    if binding.divisions is not None:
        props["divisions"] = sorted(set(binding.divisions))
    return props


def plan(decls: Declarations, dialect: Dialect) -> Iterator[Desired]:
    """One binding per (org, account), after the account and the roles it grants."""
    for org in decls.orgs:
        account_home = dialect.account_home(decls.homeOrg, org.id)
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


def read(fleet: Fleet, dialect: Dialect, decls: Declarations, org: OrgDecl) -> None:
    """The grants of each account `org` binds, in `org`."""
    live = service_account.accounts(fleet, dialect.account_home(decls.homeOrg, org.id))
    for binding in org.bindings:
        account = live.get(binding.serviceAccount)
        if account is not None:
            grant_pairs(fleet, org.id, account)


def _account(fleet: Fleet, props: Props, *, fresh: bool = False) -> OAuthClient | None:
    return service_account.accounts(fleet, props["homeOrg"], fresh=fresh).get(props["serviceAccount"])


def observe(fleet: Fleet, props: Props) -> Observed:
    account = _account(fleet, props)
    if account is None:
        # Not created yet: it holds nothing, so every declared role is still to grant.
        return Observed({"roles": []})
    pairs = grant_pairs(fleet, props["org"], account)
    live: dict[str, Any] = {"roles": sorted({grant.role.name for grant in pairs})}
    # All in the home division reads as no `divisions`, as a declaration without the field does.
    if "divisions" in props or not all(grant.division.home for grant in pairs):
        live["divisions"] = _live_divisions(pairs)
    return Observed(live, facts={"subjectId": account.id})


def _live_divisions(pairs: list[Grant]) -> list[str]:
    """The divisions every role is granted in, or each role's when they differ."""
    per_role: dict[str, set[str]] = {}
    for grant in pairs:
        per_role.setdefault(grant.role.name, set()).add(grant.division.name)
    shared = {frozenset(names) for names in per_role.values()}
    if len(shared) <= 1:
        return sorted(next(iter(shared), set()))
    return sorted(f"{role} in {name}" for role, names in per_role.items() for name in names)


def _wanted_divisions(fleet: Fleet, props: Props, live: list[Grant]) -> list[Division]:
    """The declared divisions as the platform's, the home one when none is declared. The org's
    divisions are listed (a call per org in every `up`) only for a name that needs them."""
    names = props.get("divisions")
    if not names:
        return [_home_division(fleet, props["org"], live)]
    if set(names) == {ALL_DIVISIONS}:
        return [EVERY_DIVISION]
    known = divisions(fleet, props["org"])
    absent = [n for n in names if n != ALL_DIVISIONS and n not in known]
    if absent:
        raise KindError(
            f"division(s) {absent} do not exist in org '{props['org']}' (it has {sorted(known)}); "
            "create them on the platform or fix the binding's divisions"
        )
    return [EVERY_DIVISION if n == ALL_DIVISIONS else known[n] for n in names]


def _home_division(fleet: Fleet, org: str, live: list[Grant]) -> Division:
    """Named by a live grant in it, else found among the org's divisions."""
    named = next((grant.division for grant in live if grant.division.home), None)
    return named or next(d for d in divisions(fleet, org).values() if d.home)


def converge(fleet: Fleet, props: Props, prior: Props) -> dict[str, Any]:
    org = props["org"]
    account = _existing_account(fleet, props)
    live = grant_pairs(fleet, org, account, fresh=True)
    wanted = set(props["roles"])
    in_divisions = _wanted_divisions(fleet, props, live)
    _grant_missing(fleet, org, account, live, [(role, d) for role in sorted(wanted) for d in in_divisions])
    keep = {(role, d.id) for role in wanted for d in in_divisions}
    _revoke(fleet, org, account, [g for g in live if (g.role.name, g.division.id) not in keep])
    # Grants that were there before orgaccess are left in place when the binding is destroyed.
    preexisting = prior.get("preexisting", sorted(wanted & {grant.role.name for grant in live}))
    return {**props, "subjectId": account.id, "preexisting": preexisting, "adopted": False}


def _existing_account(fleet: Fleet, props: Props) -> OAuthClient:
    """The bound account. Accounts change only through their own resource, which runs first; the
    accounts are listed again only when this one is not known yet (one listing per binding would
    put every binding of the fleet on the home org's rate limit)."""
    account = _account(fleet, props) or _account(fleet, props, fresh=True)
    if account is None:
        raise KindError(
            f"service account '{props['serviceAccount']}' does not exist in home org '{props['homeOrg']}'; "
            "declare it under serviceAccounts so orgaccess creates it before binding it"
        )
    return account


def _grant_missing(
    fleet: Fleet, org: str, subject: OAuthClient, live: list[Grant], wanted: list[tuple[str, Division]]
) -> None:
    have = {(grant.role.name, grant.division.id) for grant in live}
    missing = [(role, d) for role, d in wanted if (role, d.id) not in have]
    if not missing:
        return
    roles = org_roles.roles(fleet, org, fresh=True)
    absent = sorted({r for r, _ in missing if r not in roles})
    if absent:
        raise KindError(f"role(s) {absent} do not exist in org '{org}'; declare them under roles")
    for role, division in missing:
        fleet.client.grant_role(org, subject.id, roles[role].id, division)
    forget_grants(fleet, org, subject)


def _revoke(fleet: Fleet, org: str, subject: OAuthClient, grants: list[Grant]) -> None:
    if not grants:
        # Nothing written, nothing to forget: a forget landing while another thread read the org's
        # listing threw that read away, and the listing was read again (a flaky count of calls).
        return
    for grant in grants:
        with contextlib.suppress(NotFound):
            fleet.client.revoke_role(org, subject.id, grant.role.id, grant.division)
    forget_grants(fleet, org, subject)


def delete(fleet: Fleet, props: Props) -> None:
    account = _account(fleet, props)
    if account is None:
        return
    made = set(props["roles"]) - set(props.get("preexisting") or [])
    live = grant_pairs(fleet, props["org"], account, fresh=True)
    _revoke(fleet, props["org"], account, [grant for grant in live if grant.role.name in made])


def exported(exporting: Exporting, org: str) -> dict[str, Any]:
    """A binding of each exported account holding roles in `org`, with every role it holds there."""
    held = exported_grants(exporting, org)
    bindings = [
        {"serviceAccount": name, "roles": FlowList(sorted({r.name for r in roles}))}
        for name, roles in sorted(held.items())
        if roles
    ]
    return {"bindings": bindings} if bindings else {}


KIND = Kind(
    name="RoleBinding",
    fields=("roles", "divisions"),
    identity=("org", "serviceAccount"),
    observe=observe,
    converge=converge,
    delete=delete,
    plan=plan,
    review=review,
    column="grants",
    read=read,
    export=Exporter(org=exported),
)
