"""Checks that need the platform and must pass before any write: which orgs the credentials reach."""

from __future__ import annotations

from pathlib import Path

from orgaccess.declarations import DeclarationError, Declarations
from orgaccess.platform.errors import Forbidden
from orgaccess.snapshot import Fleet
from orgaccess.yamlsource import load_yaml


def check_addressable(decls: Declarations, path: Path, fleet: Fleet) -> None:
    """Raises DeclarationError naming the line of every declared org the credentials cannot address."""
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
