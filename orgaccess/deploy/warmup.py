"""Reading every org of the deployment in the background, as soon as a provider process starts.

The engine checks resources one at a time, so without this each org's first `check` waits
for that org's reads in turn: at 500 orgs, some 2,000 round trips one after another. Warming
issues the same reads (the snapshot shares reads already in flight, so the count of calls
does not change) from a pool, ahead of the engine's walk. What an org's resources read is each
kind's to say (kinds/base.Kind.read); this module only runs those reads for every org.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from orgaccess.declarations.access_yaml import Declarations, OrgDecl
from orgaccess.platform.dialect import Dialect
from orgaccess.reconciler.kinds import kinds
from orgaccess.reconciler.snapshot import Fleet

WORKERS = 16
_log = logging.getLogger("orgaccess.deploy.warmup")


OrgFilter = Callable[[str], bool]


def warm(fleet: Fleet, dialect: Dialect, decls: Declarations, holds_org: OrgFilter) -> None:
    """Reads what the declared orgs' resources will observe; a failed read is left for the foreground."""
    # The home org last: every stack of a fleet reads it, so under a binding rate limit its reads
    # queue behind the other stacks'; read first, they held up this stack's other orgs by as long.
    orgs = sorted((o for o in decls.orgs if holds_org(o.id)), key=lambda o: o.id == decls.homeOrg)
    if not orgs:
        return
    try:
        # The first org alone: what every org shares (the home org's accounts) is read once, and a
        # platform that refuses it is not asked again for each org.
        _read(fleet, dialect, decls, orgs[0])
    except Exception:
        # The foreground read of the same part raises it properly, where a user sees it.
        _log.debug("warm-up: reading org %s failed", orgs[0].id, exc_info=True)
        return
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="orgaccess-warmup") as pool:
        for org in orgs[1:]:
            for kind in kinds():
                pool.submit(_quietly, kind.read, fleet, dialect, decls, org)


def _read(fleet: Fleet, dialect: Dialect, decls: Declarations, org: OrgDecl) -> None:
    for kind in kinds():
        kind.read(fleet, dialect, decls, org)


def _quietly(read: Callable[..., object], *args: object) -> None:
    try:
        read(*args)
    except Exception:
        _log.debug("warm-up read failed", exc_info=True)
