"""Service accounts (OAuth clients) where they live: grant type, scopes, org lock, secret.

An account lives in the home org, and on a dialect whose accounts live per org also in each org
that binds it (Dialect.account_home).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, TypedDict

from orgaccess.declarations.access_yaml import Declarations, OrgDecl, ServiceAccountDecl
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.errors import NotFound
from orgaccess.platform.models import GrantType, OAuthClient, OAuthClientSpec, OAuthClientUpdate, OrgLock
from orgaccess.reconciler import checkpoints
from orgaccess.reconciler.kinds.base import (
    Change,
    Desired,
    Exporter,
    Exporting,
    FlowList,
    Kind,
    Observed,
    Props,
    UnkeptSecret,
    delta,
)
from orgaccess.reconciler.snapshot import Fleet

FIELDS = ("grantType", "scopes", "orgLock")


class AccountProps(TypedDict):
    """A service account in the org it lives in (`homeOrg`)."""

    homeOrg: str
    name: str
    grantType: str
    scopes: list[str]
    orgLock: str
    description: str
    secretRotation: str | None


def declared(home_org: str, account: ServiceAccountDecl) -> AccountProps:
    return {
        "homeOrg": home_org,
        "name": account.name,
        "grantType": account.grantType,
        "scopes": sorted(set(account.scopes)),
        "orgLock": account.orgLock,
        "description": account.description,
        "secretRotation": account.secretRotation,
    }


def accounts(fleet: Fleet, home_org: str, *, fresh: bool = False) -> dict[str, OAuthClient]:
    """The service accounts whose home is `home_org`, by name."""
    return fleet.part(
        ("accounts", home_org), lambda: {c.name: c for c in fleet.client.list_clients(home_org)}, fresh=fresh
    )


def forget_accounts(fleet: Fleet, home_org: str) -> None:
    fleet.forget(("accounts", home_org))


def plan(decls: Declarations, dialect: Dialect) -> Iterator[Desired]:
    """Each account in every org where it lives (where a client acts in its own org only, it is a
    client in the home org and in every org that binds it, and is bound there as itself)."""
    for account in decls.serviceAccounts:
        for org in account_orgs(decls, account.name, dialect):
            yield KIND.desired(declared(org, account))


def account_orgs(decls: Declarations, account: str, dialect: Dialect) -> list[str]:
    """The orgs where `account` lives: the home org, and the account home of each org that binds it."""
    binding = [o.id for o in decls.orgs if any(b.serviceAccount == account for b in o.bindings)]
    homes = [dialect.account_home(decls.homeOrg, org) for org in binding]
    return list(dict.fromkeys([decls.homeOrg, *homes]))


def read(fleet: Fleet, dialect: Dialect, decls: Declarations, org: OrgDecl) -> None:
    """The accounts that `org`'s bindings name, where they live."""
    accounts(fleet, dialect.account_home(decls.homeOrg, org.id))


def review(change: Change) -> str | None:
    old, new = change.before, change.after
    parts = [f"{f} {old.get(f, '—')} → {new.get(f, '—')}" for f in ("grantType", "orgLock") if old.get(f) != new.get(f)]
    if scopes := delta(old.get("scopes", []), new.get("scopes", [])):
        parts.append(f"scopes {scopes}")
    if old and new and old.get("secretRotation") != new.get("secretRotation"):
        parts.append("secret rotated")
    if not parts:
        return None
    return f"Service account {change.props['name']}{change.marker}: " + "; ".join(parts)


def _live_props(client: OAuthClient) -> dict[str, Any]:
    return {
        "grantType": client.authorizedGrantType.value.lower(),
        "scopes": sorted(client.scopes),
        "orgLock": client.orgLock.value,
    }


def observe(fleet: Fleet, props: Props) -> Observed:
    live = accounts(fleet, props["homeOrg"]).get(props["name"])
    if live is None:
        return Observed(None)
    return Observed(_live_props(live), facts={"clientId": live.id})


def converge(fleet: Fleet, props: Props, prior: Props) -> dict[str, Any]:
    home, name = props["homeOrg"], props["name"]
    live = accounts(fleet, home, fresh=True).get(name)
    adopted = bool(prior.get("adopted", live is not None))
    # secretRotation is a trigger: a new value, after creation, asks for a new secret.
    rotate = bool(prior) and props.get("secretRotation") != prior.get("secretRotation")
    _keepable(fleet, name, home, create=live is None, rotate=rotate)
    # The secret is known only when orgaccess created or rotated it; an adopted
    # account keeps the secret its operators already hold.
    client, secret = _written(fleet, props, live, rotate=rotate, secret=prior.get("secret") or "")
    return {**props, "clientId": client.id, "secret": secret, "adopted": adopted}


def _written(
    fleet: Fleet, props: Props, live: OAuthClient | None, *, rotate: bool, secret: str
) -> tuple[OAuthClient, str]:
    """The account once written as declared, and its secret. Only a write makes the listing stale:
    without one, the bindings after it read the same listing."""
    home = props["homeOrg"]
    wanted = {
        "name": props["name"],
        "description": props["description"],
        "authorizedGrantType": GrantType(props["grantType"].upper()),
        "scopes": props["scopes"],
        "orgLock": OrgLock(props["orgLock"]),
    }
    if live is None:
        created = fleet.client.create_client(home, OAuthClientSpec(**wanted))
        forget_accounts(fleet, home)
        return created, created.secret
    differs = _live_props(live) != {k: props[k] for k in FIELDS}
    if differs:
        live = fleet.client.update_client(home, live.id, OAuthClientUpdate(**wanted, version=live.version))
    if rotate:
        secret = fleet.client.rotate_secret(home, live.id).secret
    if differs or rotate:
        forget_accounts(fleet, home)
    return live, secret


def _keepable(fleet: Fleet, name: str, home: str, *, create: bool, rotate: bool) -> None:
    """Refuses, before any write, to make a secret that the run could lose with its state."""
    if fleet.checkpointed or not (create or rotate):
        return
    made = "created" if create else "given a new secret"
    raise UnkeptSecret(
        f"service account '{name}' in {home} is not {made}: its secret {UnkeptSecret.PHRASE} "
        f"(the run skips them: {checkpoints.VARIABLE}), which a killed run never writes; "
        f"run the `up` again without {checkpoints.VARIABLE}"
    )


def delete(fleet: Fleet, props: Props) -> None:
    live = accounts(fleet, props["homeOrg"], fresh=True).get(props["name"])
    if live is None:
        return
    with contextlib.suppress(NotFound):
        fleet.client.delete_client(props["homeOrg"], live.id)
    forget_accounts(fleet, props["homeOrg"])


def exported(exporting: Exporting, _orgs: list[str]) -> dict[str, Any]:
    """The declared accounts as they live in the home org (no `orgLock` where there is none)."""
    return {"serviceAccounts": [_exported(account, exporting.dialect) for account in exporting.accounts]}


def _exported(account: OAuthClient, dialect: Dialect) -> dict[str, Any]:
    out: dict[str, Any] = {"name": account.name}
    if account.description:
        out["description"] = account.description
    out |= {"grantType": account.authorizedGrantType.value.lower(), "scopes": FlowList(sorted(set(account.scopes)))}
    if dialect.org_lock:
        out["orgLock"] = account.orgLock.value
    return out


KIND = Kind(
    name="ServiceAccount",
    fields=FIELDS,
    identity=("homeOrg", "name"),
    observe=observe,
    converge=converge,
    delete=delete,
    plan=plan,
    review=review,
    column="account",
    outputs=("clientId", "secret", "adopted"),
    secret_outputs=("secret",),
    read=read,
    export=Exporter(top=exported),
)
