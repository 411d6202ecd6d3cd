"""Reading every org of the deployment in the background, as soon as a provider process starts.

The engine checks resources one at a time, so without this each org's first `check` waits
for that org's reads in turn: at 500 orgs, some 2,000 round trips one after another. Warming
issues the same reads (the snapshot shares reads already in flight, so the count of calls
does not change) from a pool, ahead of the engine's walk.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from orgaccess.declarations.access_yaml import Declarations, OrgDecl
from orgaccess.platform.genesys.client import GenesysClient
from orgaccess.reconciler.snapshot import Fleet

WORKERS = 16
_log = logging.getLogger("orgaccess.deploy.warmup")


OrgFilter = Callable[[str], bool]


def start(fleet: Fleet, decls: Declarations, holds_org: OrgFilter) -> threading.Thread:
    """Starts reading, in a daemon thread, what the declared orgs' resources will observe."""
    thread = threading.Thread(target=_warm, args=(fleet, decls, holds_org), name="orgaccess-warmup", daemon=True)
    thread.start()
    return thread


def _warm(fleet: Fleet, decls: Declarations, holds_org: OrgFilter) -> None:
    orgs = [o for o in decls.orgs if holds_org(o.id)]
    # On genesys-cloud each org has its own clients; elsewhere they all live in the home org.
    per_org = isinstance(fleet.client, GenesysClient)
    try:
        accounts = {} if per_org else fleet.accounts(decls.homeOrg)
    except Exception:
        # The foreground read of the same part raises it properly, where a user sees it.
        _log.debug("warm-up: reading the home org's accounts failed", exc_info=True)
        return
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="orgaccess-warmup") as pool:
        for org in orgs:
            pool.submit(_quietly, fleet.roles, org.id)
            pool.submit(_quietly, fleet.licenses, org.id)
            if per_org:
                pool.submit(_quietly, _warm_org_grants, fleet, org)
                continue
            for binding in org.bindings:
                account = accounts.get(binding.serviceAccount)
                if account is not None:
                    pool.submit(_quietly, fleet.grants, org.id, account.id)


def _warm_org_grants(fleet: Fleet, org: OrgDecl) -> None:
    accounts = fleet.accounts(org.id)
    for binding in org.bindings:
        account = accounts.get(binding.serviceAccount)
        if account is not None:
            fleet.grants(org.id, account.id)


def _quietly(read: Callable[..., object], *args: object) -> None:
    try:
        read(*args)
    except Exception:
        _log.debug("warm-up read failed", exc_info=True)
