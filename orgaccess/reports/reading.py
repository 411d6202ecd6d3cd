"""How a report reads a fleet: through this process's client, or in shares, each in a process of its own.

A report of thousands of orgs is CPU-bound in one process (perorg.ORGS_PER_PROCESS). A share's process
connects with the same settings, so it holds a client of its own (its connections, its snapshot),
and reads only its share's orgs: every partner org's calls stay in one process, whose client paces
them against the platform's limit per org as before; the home org, which every share may read, gets
a few reads per share. It is handed the tokens this process logged in with, through the pipe that
starts it, and checks the reading half of the preflight on its orgs before it reads them
(dialects/base.Definition): on genesys-cloud, where each org is a login of its own, that is where
each org's credentials are checked, by the process that logs in to it anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from orgaccess import dialects
from orgaccess.declarations.access_yaml import Declarations
from orgaccess.dialects.base import Definition
from orgaccess.perorg import in_processes
from orgaccess.platform._token import HandedToken
from orgaccess.platform.settings import Settings
from orgaccess.reconciler.snapshot import Fleet

X = TypeVar("X")
T = TypeVar("T")

# here(fleet, share, done): a share's results by org, read through `fleet`; `done(org)` as each is finished.
Here = Callable[[Fleet, dict[str, X], Callable[[str], None]], dict[str, T]]
# check(fleet, orgs): raises when `orgs` may not be read through `fleet` (the reading half of the preflight).
Check = Callable[[Fleet, Collection[str]], None]


def nothing_to_check(_fleet: Fleet, _orgs: Collection[str]) -> None:
    """Orgs read for a report that checked nothing before: the fleet's own page, after its stacks ran."""


@dataclass(frozen=True)
class Reading:
    fleet: Fleet
    settings: Settings
    processes: int = 1
    # Must pickle where there are several processes, as `here` must.
    check: Check = nothing_to_check

    def per_org(self, here: Here[X, T], by_org: dict[str, X], done: Callable[[str], None]) -> dict[str, T]:
        """`here` over every org of `by_org`, in this process through `fleet`, or in `processes` shares,
        each share's orgs checked first.

        `here` must pickle where there are several processes: a module-level function or a partial of one.
        """
        if self.processes <= 1:
            return _checked(here, self.check, self.fleet, by_org, done)
        tokens = self.fleet.client.handed_tokens()
        work = partial(_connected, here, self.check, self.settings, tokens)
        return in_processes(work, by_org, self.processes, done=done)


def _connected(
    here: Here[X, T],
    check: Check,
    settings: Settings,
    tokens: Mapping[str, HandedToken],
    share: dict[str, X],
    done: Callable[[str], None],
) -> dict[str, T]:
    client = dialects.connect(settings)
    client.take_tokens(tokens)
    return _checked(here, check, Fleet(client), share, done)


def _checked(
    here: Here[X, T], check: Check, fleet: Fleet, share: dict[str, X], done: Callable[[str], None]
) -> dict[str, T]:
    check(fleet, share.keys())
    return here(fleet, share, done)


def reading_preflight(
    dialect: Definition, decls: Declarations, path: Path, fleet: Fleet, orgs: Collection[str]
) -> None:
    """The reading half of `dialect`'s preflight on `orgs`: a `Check` once `partial`ly applied."""
    dialect.reading_preflight(decls, path, fleet, frozenset(orgs).__contains__)
