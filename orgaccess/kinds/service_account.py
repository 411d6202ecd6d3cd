"""Service accounts (OAuth clients) in the home org: grant type, scopes, org lock, secret."""

from __future__ import annotations

import contextlib
from typing import Any

from orgaccess.declarations import ServiceAccountDecl
from orgaccess.kinds.base import Kind, Observed, Props
from orgaccess.platform.errors import NotFound
from orgaccess.platform.models import GrantType, OAuthClient, OAuthClientSpec, OAuthClientUpdate, OrgLock
from orgaccess.snapshot import Fleet

FIELDS = ("grantType", "scopes", "orgLock")


def declared(home_org: str, account: ServiceAccountDecl) -> dict[str, Any]:
    return {
        "homeOrg": home_org,
        "name": account.name,
        "grantType": account.grantType,
        "scopes": sorted(set(account.scopes)),
        "orgLock": account.orgLock,
        "description": account.description,
        "secretRotation": account.secretRotation,
    }


def _live_props(client: OAuthClient) -> dict[str, Any]:
    return {
        "grantType": client.authorizedGrantType.value.lower(),
        "scopes": sorted(client.scopes),
        "orgLock": client.orgLock.value,
    }


def observe(fleet: Fleet, props: Props) -> Observed:
    live = fleet.accounts(props["homeOrg"]).get(props["name"])
    if live is None:
        return Observed(None)
    return Observed(_live_props(live), facts={"clientId": live.id})


def converge(fleet: Fleet, props: Props, prior: Props) -> dict[str, Any]:
    home, name = props["homeOrg"], props["name"]
    live = fleet.accounts(home, fresh=True).get(name)
    adopted = bool(prior.get("adopted", live is not None))
    # The secret is known only when orgaccess created or rotated it; an adopted
    # account keeps the secret its operators already hold.
    secret = prior.get("secret") or ""
    wanted = {
        "name": name,
        "description": props["description"],
        "authorizedGrantType": GrantType(props["grantType"].upper()),
        "scopes": props["scopes"],
        "orgLock": OrgLock(props["orgLock"]),
    }
    # secretRotation is a trigger: a new value, after creation, asks for a new secret.
    rotate = bool(prior) and props.get("secretRotation") != prior.get("secretRotation")
    if live is None:
        created = fleet.client.create_client(home, OAuthClientSpec(**wanted))
        secret, live = created.secret, created
    else:
        if _live_props(live) != {k: props[k] for k in FIELDS}:
            live = fleet.client.update_client(home, live.id, OAuthClientUpdate(**wanted, version=live.version))
        if rotate:
            secret = fleet.client.rotate_secret(home, live.id).secret
    fleet.forget_accounts(home)
    return {**props, "clientId": live.id, "secret": secret, "adopted": adopted}


def delete(fleet: Fleet, props: Props) -> None:
    live = fleet.accounts(props["homeOrg"], fresh=True).get(props["name"])
    if live is None:
        return
    with contextlib.suppress(NotFound):
        fleet.client.delete_client(props["homeOrg"], live.id)
    fleet.forget_accounts(props["homeOrg"])


KIND = Kind(
    name="ServiceAccount",
    fields=FIELDS,
    identity=("homeOrg", "name"),
    observe=observe,
    converge=converge,
    delete=delete,
)
