"""Checks that need the platform and must pass before any write: which orgs the credentials reach.

Each dialect says how its credentials reach an org (dialects/base.Definition, `planning_preflight`
and `reading_preflight`); what they share is here: the line of each declared org, for messages
that say where to fix it.
"""

from __future__ import annotations

from pathlib import Path

from orgaccess.declarations.access_yaml import Declarations
from orgaccess.declarations.yamlsource import load_yaml


def org_lines(decls: Declarations, path: Path) -> dict[str, int]:
    """The line of `path` that declares each org: `homeOrg`, then each of `orgs`, found by id, since
    `decls` may be a fleet stack's part of the file (Shard.narrow), whose orgs are not where they
    stand in it. Parsed again for its lines: call it for a message, not on every run."""
    source = load_yaml(path.read_text())
    listed = source.data.get("orgs") if isinstance(source.data, dict) else None
    found = {
        org.get("id"): source.line(("orgs", i, "id"))
        for i, org in enumerate(listed if isinstance(listed, list) else [])
        if isinstance(org, dict)
    }
    lines = {decls.homeOrg: source.line(("homeOrg",))}
    return lines | {o.id: found.get(o.id, 1) for o in decls.orgs}
