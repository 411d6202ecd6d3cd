"""The production path of an org's resource, in this process: the emulator served from a thread on
loopback, and the calls a provider process makes on it (orgaccess.reconciler.reconcile with a
`Fleet` over the platform client `connect` picks)."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

import uvicorn
import yaml

from orgaccess.declarations.access_yaml import parse_declarations
from orgaccess.dialects import SEED
from orgaccess.emulator.app import create_asgi
from orgaccess.emulator.harness import STARTUP_TIMEOUT_SECONDS, EmulatorHandle
from orgaccess.emulator.server import prepare
from orgaccess.engine.automation import PROJECT_DIR
from orgaccess.plan.desired import per_org, plan
from orgaccess.platform.models import AuditEntry, Role
from orgaccess.reconciler.drift import from_records
from orgaccess.reconciler.kinds import KINDS, service_account
from orgaccess.reconciler.kinds.grants import granted
from orgaccess.reconciler.reconcile import DRIFT_KEY, PREVIEW_KEY
from orgaccess.reconciler.snapshot import Fleet

ORG_ACCESS = KINDS["OrgAccess"]
ADMIN = ("orgaccess-admin", "s3cret-admin")
# The seed scenario's home org, where its clients live.
HOME = "org-primary"


class _ServedThread:
    """A uvicorn server in a thread, answering the `subprocess.Popen` calls that `EmulatorHandle`
    makes of the emulator process it otherwise drives, so the control plane (reset, faults, audit)
    is the harness's own."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and not self._thread.is_alive():
            self.returncode = 0
        return self.returncode

    def terminate(self) -> None:
        self._server.should_exit = True

    def kill(self) -> None:
        self._server.force_exit = True
        self._server.should_exit = True

    def wait(self, timeout: float | None = None) -> int:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise subprocess.TimeoutExpired("emulator thread", timeout or 0.0)
        return cast(int, self.poll())


@contextmanager
def serving_emulator(scenario: str = "seed-403") -> Iterator[EmulatorHandle]:
    """The emulator's real application on 127.0.0.1 from a thread of this process; stopped on exit.

    In-process rather than `running_emulator`'s subprocess: no interpreter to start, so a suite of
    a few dozen specifications runs in seconds.
    """
    emu = prepare(scenario, None)
    # IPPROTO_TCP for the reason orgaccess.emulator.server gives: Nagle off on keep-alive calls.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_asgi(emu), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="emulator", daemon=True)
    served = _ServedThread(server, thread)
    thread.start()
    handle: EmulatorHandle | None = None
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the in-process emulator did not start")
            time.sleep(0.01)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        handle = EmulatorHandle(url, cast(subprocess.Popen[str], served))
        yield handle
    finally:
        if handle is not None:
            handle.stop()
        else:
            served.kill()
            served.wait(STARTUP_TIMEOUT_SECONDS)
        sock.close()
        emu.store.close()


class FakeTime:
    """The client's clock and sleep: a sleep moves the clock on at once, so backoff, Retry-After and
    patience take their full course in no time, and what the client waited is on record."""

    def __init__(self) -> None:
        self.now = time.monotonic()
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def org_resource(org: str, edit: Callable[[dict[str, Any]], object] | None = None) -> dict[str, Any]:
    """The declared inputs of `org`'s OrgAccess resource, as the program plans them from the project's
    access.yaml, after `edit` (given the YAML document) when given."""
    document = yaml.safe_load((PROJECT_DIR / "access.yaml").read_text())
    if edit is not None:
        edit(document)
    decls = parse_declarations(yaml.safe_dump(document), SEED)
    return next(d.props for d in per_org(plan(decls, SEED), SEED) if d.kind == ORG_ACCESS.name and d.org == org)


def declared_org(document: dict[str, Any], org: str) -> dict[str, Any]:
    """`org`'s entry under `orgs` in an access.yaml document."""
    return next(entry for entry in document["orgs"] if entry["id"] == org)


def inputs(props: dict[str, Any], *, preview: bool) -> dict[str, Any]:
    """`props` as the provider's check receives them: the program says whether this is a preview."""
    return {**props, PREVIEW_KEY: preview}


def writes(entries: list[AuditEntry]) -> list[str]:
    """The platform calls among `entries` that change something (a token is not a change)."""
    return [f"{e.method} {e.path}" for e in entries if e.method != "GET" and e.path != "/oauth/token"]


def records(checked: dict[str, Any]) -> list[tuple[str, str, Any, Any, bool]]:
    """The typed drift records a preview's check added: (object, field, live, declared, fixable)."""
    return [(d.object, d.field, d.actual, d.declared, d.fixable) for d in from_records(checked.get(DRIFT_KEY))]


def granted_to(fleet: Fleet, org: str, client_id: str) -> dict[str, Role]:
    """The roles granted in `org` to the home org's client `client_id`, by name."""
    subject = next(c for c in service_account.accounts(fleet, HOME).values() if c.id == client_id)
    return granted(fleet, org, subject)
