"""How a report reads a fleet: through this process's client, or in shares, each in a process of its own.

A report of thousands of orgs is CPU-bound in one process (perorg.ORGS_PER_PROCESS). A share's process
connects with the same settings, so it holds a client of its own (its connections, its snapshot),
and reads only its share's orgs: every partner org's calls stay in one process, whose client paces
them against the platform's limit per org as before; the home org, which every share may read, gets
a few reads per share. It is handed the tokens this process's preflight logged in with, through the
pipe that starts it: on genesys-cloud that is one login per org, a seventh of `orgaccess drift`'s calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from orgaccess import dialects
from orgaccess.perorg import in_processes
from orgaccess.platform._token import HandedToken
from orgaccess.platform.settings import Settings
from orgaccess.reconciler.snapshot import Fleet

X = TypeVar("X")
T = TypeVar("T")

# here(fleet, share, done): a share's results by org, read through `fleet`; `done(org)` as each is finished.
Here = Callable[[Fleet, dict[str, X], Callable[[str], None]], dict[str, T]]


@dataclass(frozen=True)
class Reading:
    fleet: Fleet
    settings: Settings
    processes: int = 1

    def per_org(self, here: Here[X, T], by_org: dict[str, X], done: Callable[[str], None]) -> dict[str, T]:
        """`here` over every org of `by_org`, in this process through `fleet`, or in `processes` shares.

        `here` must pickle where there are several processes: a module-level function or a partial of one.
        """
        if self.processes <= 1:
            return here(self.fleet, by_org, done)
        tokens = self.fleet.client.handed_tokens()
        return in_processes(partial(_connected, here, self.settings, tokens), by_org, self.processes, done=done)


def _connected(
    here: Here[X, T],
    settings: Settings,
    tokens: Mapping[str, HandedToken],
    share: dict[str, X],
    done: Callable[[str], None],
) -> dict[str, T]:
    client = dialects.connect(settings)
    client.take_tokens(tokens)
    return here(Fleet(client), share, done)
