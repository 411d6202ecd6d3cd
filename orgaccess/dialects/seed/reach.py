"""Which orgs the seed platform's credentials reach: the home org, and the orgs linked to it."""

from __future__ import annotations

from pathlib import Path

from orgaccess.declarations.access_yaml import DeclarationError, Declarations
from orgaccess.declarations.yamlsource import show
from orgaccess.plan.preflight import org_lines
from orgaccess.platform.errors import Forbidden
from orgaccess.reconciler.snapshot import Fleet


def reachable(fleet: Fleet, home_org: str) -> set[str]:
    """The home org and the orgs linked to it."""
    home = fleet.organization(home_org)
    return {home.id, *(linked.id for linked in home.linkedOrganizations)}


def preflight(decls: Declarations, path: Path, fleet: Fleet) -> None:
    home = decls.homeOrg
    client_id = fleet.client.own_client_id(home)
    try:
        reached = reachable(fleet, home)
    except Forbidden:
        raise DeclarationError(
            [
                f"{path}: homeOrg '{home}' cannot be addressed by client '{client_id}'; "
                "set homeOrg to the org where the service accounts live, or use that org's credentials"
            ]
        ) from None
    unreachable = [o.id for o in decls.orgs if o.id not in reached]
    if not unreachable:
        return
    lines = org_lines(decls, path)
    raise DeclarationError(
        [
            f"{path}:{lines[org]}: org '{org}' cannot be addressed by client '{client_id}': it is neither the home "
            f"org '{home}' nor linked to it; fix the id, or link the org to the home org on the platform"
            for org in unreachable
        ]
    )


def unexportable(fleet: Fleet, home_org: str, orgs: list[str]) -> list[str]:
    return [
        f"org {show(org)} is neither the home org {show(home_org)} nor linked to it; "
        "drop it from --org, or pass the --home-org its service accounts live in"
        for org in sorted(set(orgs) - reachable(fleet, home_org))
    ]
