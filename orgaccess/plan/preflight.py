"""Checks that need the platform and must pass before any write: which orgs the credentials reach."""

from __future__ import annotations

from pathlib import Path

from orgaccess.declarations.access_yaml import DeclarationError, Declarations, fleet_org_ids
from orgaccess.declarations.yamlsource import load_yaml
from orgaccess.platform.errors import Forbidden, PlatformError
from orgaccess.platform.genesys.client import GenesysClient, UnknownOrg
from orgaccess.reconciler.snapshot import Fleet


def check_addressable(decls: Declarations, path: Path, fleet: Fleet) -> None:
    """Raises DeclarationError naming the line of every declared org the credentials cannot address."""
    if isinstance(fleet.client, GenesysClient):
        _check_org_credentials(decls, path, fleet)
        return
    home = decls.homeOrg
    client_id = fleet.client.client_id
    try:
        org = fleet.organization(home)
    except Forbidden:
        raise DeclarationError(
            [
                f"{path}: homeOrg '{home}' cannot be addressed by client '{client_id}'; "
                "set homeOrg to the org where the service accounts live, or use that org's credentials"
            ]
        ) from None
    reachable = {org.id, *(linked.id for linked in org.linkedOrganizations)}
    unreachable = [(i, o.id) for i, o in enumerate(decls.orgs) if o.id not in reachable]
    if not unreachable:
        return
    source = load_yaml(path.read_text())
    raise DeclarationError(
        [
            f"{path}:{source.line(('orgs', i, 'id'))}: org '{org_id}' cannot be addressed by client "
            f"'{client_id}': it is neither the home org '{home}' nor linked to it; "
            "fix the id, or link the org to the home org on the platform"
            for i, org_id in unreachable
        ]
    )


def _check_org_credentials(decls: Declarations, path: Path, fleet: Fleet) -> None:
    """On genesys-cloud every org needs its own admin client, and each must act in the org it is given for."""
    source = load_yaml(path.read_text())
    lines = {decls.homeOrg: source.line(("homeOrg",))}
    lines |= {o.id: source.line(("orgs", i, "id")) for i, o in enumerate(decls.orgs)}
    problems = []
    for org in fleet_org_ids(decls):
        try:
            acting_in = fleet.organization(org).id
        except UnknownOrg:
            problems.append(
                f"{path}:{lines[org]}: org '{org}' has no admin credentials; "
                f"add it under orgaccess:orgCredentials with its own client id and secret"
            )
            continue
        except PlatformError as exc:
            problems.append(f"{path}:{lines[org]}: org '{org}' cannot be read with its credentials ({exc})")
            continue
        if acting_in != org:
            problems.append(
                f"{path}:{lines[org]}: the credentials given for org '{org}' act in org '{acting_in}'; "
                "set orgaccess:orgCredentials for this org to a client of this org"
            )
    if problems:
        raise DeclarationError(problems)
