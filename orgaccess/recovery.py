"""Recovering a stack of the file backend after `pulumi up` died mid-run (kill -9, a lost CI runner).

A dead run leaves two things behind: its lock (`.pulumi/locks/<org>/<project>/<stack>/*.json`,
so every later command says "the stack is currently locked"), and the operations it had begun
(`pending_operations` in the state: a create that may or may not have landed). orgaccess needs
nothing more than dropping both: every create adopts an object that already exists under its
name, so the next `up` finds what the dead run did and finishes the rest, without duplicates.

Releasing a lock that a *running* process holds would let two runs write one state, so the
helper refuses while the lock's process is alive on this host. See docs/recovery.md.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from orgaccess.engine import Stack


class RecoveryError(RuntimeError):
    """The stack cannot be recovered safely now; the message says why."""


@dataclass(frozen=True)
class Lock:
    path: Path
    pid: int
    hostname: str

    @property
    def held_by_a_live_process(self) -> bool:
        # A lock from another host cannot be checked from here: treat it as live.
        return self.hostname != socket.gethostname() or _alive(self.pid)


@dataclass(frozen=True)
class Recovered:
    released_locks: int
    dropped_operations: int


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def locks(stack: Stack) -> list[Lock]:
    """The locks held on the stack, live or stale."""
    found = []
    for path in sorted((stack.backend_dir / ".pulumi" / "locks").glob(f"*/*/{stack.name}/*.json")):
        content = json.loads(path.read_text())
        found.append(Lock(path, int(content["pid"]), str(content["hostname"])))
    return found


def pending_operations(stack: Stack) -> list[dict[str, object]]:
    """The operations a run had begun and not finished when it stopped."""
    return list(stack.export()["deployment"].get("pending_operations") or [])


def recover(stack: Stack) -> Recovered:
    """Releases a dead run's lock and drops its pending operations; run `up` next."""
    held = locks(stack)
    live = [lock for lock in held if lock.held_by_a_live_process]
    if live:
        owners = ", ".join(f"pid {lock.pid} on {lock.hostname}" for lock in live)
        raise RecoveryError(f"stack '{stack.name}' is locked by a run that may still be going ({owners}); wait for it")
    if held:
        # For the file backend, `pulumi cancel` deletes the lock files.
        stack.run("cancel", "--yes", "--stack", stack.name).check()
    dropped = len(pending_operations(stack))
    # The refresh also reads every resource back, so the state matches the platform again.
    stack.refresh("--clear-pending-creates").check()
    return Recovered(released_locks=len(held), dropped_operations=dropped)
