"""What the reliability specifications share: a drifted fleet on the emulator driven by the real
engine, and the checks every scenario ends with (read from the platform and from the audit log).

The fleet is orgaccess/emulator/fleet_scenario.py's (the benchmarks' drifted N-org fleet), so reliability and
performance are measured on the same shapes.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
import yaml

from orgaccess.declarations.access_yaml import Declarations, parse_declarations
from orgaccess.dialects import SEED
from orgaccess.emulator import reasons
from orgaccess.emulator.fleet_scenario import ADMIN_ID, ADMIN_SECRET, generate
from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine.automation import Stack, project_stack
from orgaccess.engine.result import Result
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.models import AuditEntry

# Secrets that the scenarios hand out; none may ever show up outside the platform.
SCENARIO_SECRETS = ("s3cret-admin", "s3cret-app", "s3cret-premium-app", "s3cret-reporting-app")
GRANT_PATH = re.compile(r"^/api/v2/security/subjects/(?P<subject>[^/]+)/roles/(?P<role>[^/]+)$")
# Figures of every scenario of this run, by scenario, for bench/results/reliability.json.
FIGURES: dict[str, dict[str, Any]] = {}


@dataclass(frozen=True)
class FleetRun:
    """A drifted fleet served by the emulator, and a stack of the orgaccess program declaring it."""

    platform: EmulatorHandle
    stack: Stack
    declarations: Declarations
    declarations_path: Path

    def admin(self) -> PlatformClient:
        """The operator's own client, for reading the platform after the engine is done."""
        return PlatformClient(self.platform.url, ADMIN_ID, ADMIN_SECRET)


@contextmanager
def drifted_fleet(
    workdir: Path,
    n_orgs: int,
    *,
    seed: int = 0,
    edit: Callable[[str], str] = str,
    stack_name: str = "dev",
    backend_url: str | None = None,
    engine_env: dict[str, str] | None = None,
) -> Iterator[FleetRun]:
    """The fleet on a fresh emulator, and a stack declaring it (its access.yaml passed through `edit`),
    its state under `workdir` or in `backend_url`, its engine run with `engine_env` besides."""
    fleet = generate(n_orgs, drift_fraction=0.3, seed=seed)
    text = edit(fleet.declarations_yaml)
    with running_emulator(fleet.scenario) as platform:
        path = workdir / "access.yaml"
        path.write_text(text)
        stack = stack_for(workdir / "state", platform, path, stack_name, backend_url, engine_env)
        yield FleetRun(platform, stack, parse_declarations(text, SEED), path)


NEW_ACCOUNT = "Fresh App"


def with_new_account(declarations_yaml: str) -> str:
    """The declarations plus an account that exists nowhere yet, bound in the first partner org:
    `up` creates it, so the platform hands orgaccess a secret."""
    document = yaml.safe_load(declarations_yaml)
    document["serviceAccounts"].append(
        {"name": NEW_ACCOUNT, "grantType": "client_credentials", "scopes": ["analytics:read"], "orgLock": "LINKED_ORGS"}
    )
    document["orgs"][1]["bindings"].append({"serviceAccount": NEW_ACCOUNT, "roles": ["Analytics Reader"]})
    return yaml.safe_dump(document, sort_keys=False, width=120)


def stack_for(
    backend: Path,
    platform: EmulatorHandle,
    declarations: Path,
    name: str = "dev",
    backend_url: str | None = None,
    engine_env: dict[str, str] | None = None,
) -> Stack:
    return project_stack(
        backend,
        api_url=platform.url,
        client_id=ADMIN_ID,
        client_secret=ADMIN_SECRET,
        declarations=declarations,
        name=name,
        backend_url=backend_url,
        extra_env=engine_env,
    )


def up_until_converged(stack: Stack, max_ups: int, platform: EmulatorHandle) -> tuple[list[Result], list[int]]:
    """`pulumi up` until one succeeds, at most `max_ups` times: every run, and the audit count
    before each, since a Retry-After binds the process that was told it, not the next `up`."""
    runs: list[Result] = []
    starts: list[int] = []
    for _ in range(max_ups):
        starts.append(platform.audit_count())
        runs.append(stack.up())
        if runs[-1].returncode == 0:
            break
    return runs, starts


# Checks against the platform. Run them with the faults off: they read, they do not test.


def duplicate_roles(admin: PlatformClient, decls: Declarations) -> dict[str, list[str]]:
    """Org -> role names that exist more than once there."""
    found = {}
    for org in decls.orgs:
        counts = Counter(role.name for role in admin.list_roles(org.id))
        doubles = sorted(name for name, n in counts.items() if n > 1)
        if doubles:
            found[org.id] = doubles
    return found


def grant_differences(admin: PlatformClient, decls: Declarations) -> list[str]:
    """Every binding whose live grants differ from the declared roles, one line each."""
    accounts = {account.name: account.id for account in admin.list_clients(decls.homeOrg)}
    problems = []
    for org in decls.orgs:
        for binding in org.bindings:
            subject = accounts.get(binding.serviceAccount)
            live = set() if subject is None else {r.name for r in admin.list_subject_roles(org.id, subject)}
            if live != set(binding.roles):
                problems.append(f"{org.id}/{binding.serviceAccount}: live {sorted(live)}, declared {binding.roles}")
    return problems


def declared_grants(admin: PlatformClient, decls: Declarations) -> set[tuple[str, str]]:
    """(org, subject id) of every declared binding."""
    accounts = {account.name: account.id for account in admin.list_clients(decls.homeOrg)}
    return {(org.id, accounts[b.serviceAccount]) for org in decls.orgs for b in org.bindings}


# Checks against the audit log.


def _at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def unhonoured_rate_limits(entries: list[AuditEntry], in_flight_seconds: float = 0.25) -> list[str]:
    """Each request that a (client, org) sent while a 429's Retry-After held it.

    A request that reaches the server within `in_flight_seconds` of the 429's answer was sent
    before the client could read it (another thread's, on a busy machine); any later one
    within Retry-After (at least 1 s) ignored it. A 429 whose answer the platform then lost
    (an injected cut) told the client nothing: it saw a dropped connection.
    """
    lost = {_request(e) for e in entries if e.reason == reasons.FAULT_LOST_ANSWER}
    violations = []
    for refused in entries:
        if refused.status != 429 or refused.retryAfter is None or _request(refused) in lost:
            continue
        answered = _at(refused.time)
        for entry in entries:
            if (entry.client, entry.org) != (refused.client, refused.org) or entry.received is None:
                continue
            # Times are whole milliseconds.
            after = (_at(entry.received) - answered).total_seconds()
            if in_flight_seconds < after < refused.retryAfter - 0.002:
                violations.append(
                    f"{refused.client} -> {refused.org}: told at {refused.time} to wait {refused.retryAfter}s, "
                    f"called {entry.method} {entry.path} {after:.3f}s later"
                )
    return violations


def _request(entry: AuditEntry) -> tuple[str | None, str | None, str, str, str | None]:
    """What identifies one request across its entries: a lost answer is recorded after the answer
    that was lost, with the same arrival time."""
    return entry.client, entry.org, entry.method, entry.path, entry.received


def api_calls(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    return [e for e in entries if e.path.startswith("/api/")]


def grant_writes(entries: Iterable[AuditEntry]) -> list[tuple[str | None, str]]:
    """(org, subject) of every grant the platform carried out."""
    return [
        (e.org, match["subject"])
        for e in entries
        if e.method == "PUT" and e.status == 204 and (match := GRANT_PATH.match(e.path))
    ]


def fault_figures(entries: Iterable[AuditEntry]) -> dict[str, int]:
    """What the platform did to the client: injected faults, rate limits, answers."""
    counts = Counter(e.reason for e in entries)
    return {
        # A lost answer adds a second entry to a request that was carried out.
        "requests": sum(counts.values()) - counts[reasons.FAULT_LOST_ANSWER],
        "injected_5xx": counts[reasons.FAULT_ERROR],
        "dropped_connections": counts[reasons.FAULT_DROP],
        "lost_answers": counts[reasons.FAULT_LOST_ANSWER],
        "rate_limited_429": counts[reasons.RATE_LIMITED],
    }


def leaked(text: str, secrets: Iterable[str]) -> list[str]:
    return [secret for secret in secrets if secret in text]


# Processes: a `pulumi up` started in the background, and a crash at a chosen point of it.

PROVIDER_MARK = "pulumi.dynamic"  # the provider process is `python -m pulumi.dynamic`


def start_up(
    stack: Stack, *args: str, under: Sequence[str] = (), output: int = subprocess.PIPE
) -> subprocess.Popen[str]:
    """`pulumi up ARGS` in the background (run by the command `under`, if any), in its own process
    group so that a test can end all of it."""
    stack.backend_dir.mkdir(parents=True, exist_ok=True)
    argv = [*under, "pulumi", "up", "--stack", stack.name, "--yes", "--skip-preview", "--non-interactive", *args]
    return subprocess.Popen(
        argv,
        cwd=stack.project_dir,
        env=stack.env(),
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


class BackgroundUp:
    """A `pulumi up` in the background, to crash at will, and every process it started.

    The engine starts its plugins (the language host, the provider) in process groups of their
    own, and they outlive a `pulumi` killed with SIGKILL; so the run's processes are remembered
    whenever they are looked at, and all of them are ended with it.
    """

    def __init__(self, stack: Stack) -> None:
        self.process = start_up(stack)
        self._known: dict[int, psutil.Process] = {}

    def _descendants(self) -> list[psutil.Process]:
        # Once `finish` reaped `pulumi`, the kernel may give its pid, and so its group's id, to a
        # stranger (another test's process): only an unreaped `pulumi` is looked at or signalled.
        if self.process.returncode is None:
            with suppress(psutil.NoSuchProcess):
                for child in psutil.Process(self.process.pid).children(recursive=True):
                    self._known.setdefault(child.pid, child)
        return list(self._known.values())

    def provider(self, timeout: float = 30.0) -> psutil.Process:
        """The dynamic provider process serving this `up`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for child in self._descendants():
                with suppress(psutil.NoSuchProcess):
                    if PROVIDER_MARK in " ".join(child.cmdline()):
                        return child
            time.sleep(0.05)
        raise TimeoutError("no provider process")

    def kill_9(self, victim: psutil.Process | None = None) -> None:
        """SIGKILL to `pulumi` itself, or to one of its processes."""
        self._descendants()
        os.kill(self.process.pid if victim is None else victim.pid, signal.SIGKILL)

    def finish(self, timeout: float = 300.0) -> Result:
        """Waits for `pulumi` to exit; its output as a Result."""
        output, _ = self.process.communicate(timeout=timeout)
        return Result("up", self.process.returncode, output)

    def end(self) -> None:
        self._descendants()
        if self.process.returncode is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        for process in self._known.values():
            # psutil checks that the pid still names the process it saw, so no stranger is hit.
            with suppress(psutil.NoSuchProcess):
                process.kill()
        self.process.communicate(timeout=60)


@contextmanager
def background_up(stack: Stack) -> Iterator[BackgroundUp]:
    run = BackgroundUp(stack)
    try:
        yield run
    finally:
        run.end()


def wait_for_writes(platform: EmulatorHandle, since: int, count: int, timeout: float = 120.0) -> int:
    """Waits until the platform has carried out `count` writes since audit entry `since`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = sum(1 for e in platform.audit(since) if e.method != "GET" and e.path.startswith("/api/"))
        if done >= count:
            return done
        time.sleep(0.02)
    raise TimeoutError(f"fewer than {count} writes within {timeout}s")


@dataclass(frozen=True)
class Converged:
    """A drifted fleet with one account still to create, previewed and brought up without faults."""

    fleet: FleetRun
    preview: Result
    up: Result
    # Every request the platform saw during that preview and up.
    audit: list[AuditEntry]
    # The secret the platform gave the account orgaccess created.
    created_secret: str
