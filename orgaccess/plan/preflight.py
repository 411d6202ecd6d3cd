"""Checks that need the platform and must pass before any write: which orgs the credentials reach.

Each dialect says how its credentials reach an org (orgaccess.dialects, `preflight`); what they
share is here: the line of each declared org, for messages that say where to fix it.
"""

from __future__ import annotations

from pathlib import Path

from orgaccess.declarations.access_yaml import Declarations
from orgaccess.declarations.yamlsource import load_yaml


def org_lines(decls: Declarations, path: Path) -> dict[str, int]:
    """The line of `path` that declares each org: `homeOrg`, then each of `orgs`."""
    source = load_yaml(path.read_text())
    lines = {decls.homeOrg: source.line(("homeOrg",))}
    return lines | {o.id: source.line(("orgs", i, "id")) for i, o in enumerate(decls.orgs)}
