"""Which orgs orgaccess reaches on Genesys Cloud: each org it has an admin client of, acting there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from orgaccess.declarations.access_yaml import DeclarationError, Declarations, fleet_org_ids
from orgaccess.declarations.yamlsource import show
from orgaccess.perorg import for_each_org
from orgaccess.plan.preflight import org_lines
from orgaccess.platform.errors import PlatformError
from orgaccess.platform.genesys.client import UnknownOrg
from orgaccess.reconciler.snapshot import Fleet


def preflight(decls: Declarations, path: Path, fleet: Fleet, holds_org: Callable[[str], bool]) -> None:
    """Every org `holds_org` needs its own admin client, and each must act in the org it is given for.

    Only the orgs of the stack: each is a login of its own, and a stack of 150 orgs of a 5,000-org
    fleet has no business logging in to the other 4,850 (their own stacks check them)."""
    # Each org is a login and a read of its own: side by side, as `orgaccess drift` reads orgs, since
    # one after another they cost every stack of a 5,000-org fleet four minutes (48 ms an org).
    held = [org for org in fleet_org_ids(decls) if holds_org(org)]
    _refuse(decls, path, for_each_org(held, lambda org: _problem(fleet, org)))


def credentials_given(decls: Declarations, path: Path, fleet: Fleet, holds_org: Callable[[str], bool]) -> None:
    """Every org `holds_org` has its own admin client; no call is made (where each acts: `preflight`)."""
    _refuse(decls, path, {org: _missing(fleet, org) for org in fleet_org_ids(decls) if holds_org(org)})


def _refuse(decls: Declarations, path: Path, found: dict[str, str | None]) -> None:
    problems = {org: problem for org, problem in found.items() if problem}
    if problems:
        lines = org_lines(decls, path)
        raise DeclarationError([f"{path}:{lines[org]}: {problem}" for org, problem in problems.items()])


def _missing(fleet: Fleet, org: str) -> str | None:
    try:
        fleet.client.own_client_id(org)
    except UnknownOrg:
        return (
            f"org '{org}' has no admin credentials; "
            "add it under orgaccess:orgCredentials with its own client id and secret"
        )
    return None


def _problem(fleet: Fleet, org: str) -> str | None:
    if missing := _missing(fleet, org):
        return missing
    try:
        acting_in = fleet.organization(org).id
    except PlatformError as exc:
        return f"org '{org}' cannot be read with its credentials ({exc})"
    if acting_in != org:
        return (
            f"the credentials given for org '{org}' act in org '{acting_in}'; "
            "set orgaccess:orgCredentials for this org to a client of this org"
        )
    return None


def unexportable(fleet: Fleet, orgs: list[str]) -> list[str]:
    return [
        f"org {show(org)} has no admin credentials on genesys-cloud; add it to env "
        "ORGACCESS_ORG_CREDENTIALS with its own client id and secret, or drop it from --org"
        for org in sorted(set(orgs))
        if _missing(fleet, org)
    ]
