"""Bringing a stack back to a state `pulumi up` accepts after a run died (kill -9, a lost CI runner).

What a dead run can leave, and what is done about each (docs/recovery.md has the evidence):

- its lock: every later command answers "the stack is currently locked". Released, but only
  when the process that took it is gone; a live one (or one on another host) stops recovery.
- its plugin processes (the Python dynamic provider `python -m pulumi.dynamic`, the language
  host): they outlive a `pulumi` killed with SIGKILL and may still finish a platform call. Ended,
  once the stack is known to exist, and only those that are provably that run's (`leftover_plugins`).
- an unreadable stack checkpoint. With the file backend, a kill while fileblob rewrites the
  `<stack>.json.attrs` metadata file leaves it empty, and the engine then fails every command
  with "failed to load checkpoint: EOF" although `<stack>.json` itself is complete: the empty
  metadata file is removed, nothing is lost. A checkpoint whose content is unreadable is
  restored from the newest readable copy: `<stack>.json.bak`, then the history checkpoints.
- pending operations (creates that may or may not have landed): dropped by a refresh, which
  also reads every resource back. orgaccess's creates adopt an object that already exists
  under their name, so the next `up` finds what the dead run did, without duplicates.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import psutil
import zstandard
from pulumi import automation as auto
from pydantic import BaseModel, Field

from orgaccess.deploy.backend import project_settings
from orgaccess.engine.result import Result
from orgaccess.engine.statestore import StateStore, open_store

# The Python dynamic provider's command line, and the executables of Pulumi's plugins.
PROVIDER_MODULE = "pulumi.dynamic"
PLUGIN_PREFIXES = ("pulumi-language-", "pulumi-resource-")
# How long ended processes get to exit on SIGTERM before SIGKILL.
END_GRACE_SECONDS = 5.0
# A lock is written a moment after its process started; a process younger than its lock (by more
# than clock granularity) is not the lock's owner but a later process given the same pid.
PID_REUSE_SLACK_SECONDS = 2.0
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
MIB = 1 << 20
# The largest checkpoint recovery decompresses. A stack of 5,000 orgs (far past the size at which
# docs/fleet.md splits a fleet) has a checkpoint of 26.6 MB, 25.4 MiB (bench/checkpoint_size.py): 2.5x that.
MAX_CHECKPOINT_BYTES = 64 * MIB
DECOMPRESSION_CHUNK = MIB
GZIP_MAGIC = b"\x1f\x8b"


class RecoveryError(RuntimeError):
    """The stack cannot be recovered safely now; the message says why and what to do."""


class PulumiStack(Protocol):
    """A stack recovery can work on: `orgaccess.engine.automation.Stack` (tests) or `WorkspaceStack` (the CLI)."""

    name: str
    project_dir: Path

    @property
    def backend_url(self) -> str: ...

    def export(self, *, show_secrets: bool = False) -> dict[str, Any]: ...

    def refresh(self, **options: Any) -> Result: ...


@dataclass(frozen=True)
class Keys:
    """Where the file and PostgreSQL backends keep a project-scoped stack's objects."""

    project: str
    stack: str
    # How the engine compressed the checkpoint: "", ".gz" or ".zst" (PULUMI_DIY_BACKEND_GZIP / _ZSTD).
    compression: str = ""

    @property
    def checkpoint(self) -> str:
        return f".pulumi/stacks/{self.project}/{self.stack}.json{self.compression}"

    @property
    def backup(self) -> str:
        return self.checkpoint + ".bak"

    @property
    def locks(self) -> str:
        return f".pulumi/locks/organization/{self.project}/{self.stack}/"

    @property
    def history(self) -> str:
        return f".pulumi/history/{self.project}/{self.stack}/"


def keys_of(stack: PulumiStack, store: StateStore) -> Keys:
    project = project_settings(stack.project_dir).get("name")
    if not project:
        raise RecoveryError(f"{stack.project_dir}: no Pulumi.yaml with a project name; run from the project directory")
    # `--stack org/project/name` and `organization/name` name the same stack of this project.
    return located(store, Keys(str(project), stack.name.rsplit("/", 1)[-1]))


COMPRESSIONS = ("", ".gz", ".zst")


def located(store: StateStore, keys: Keys) -> Keys:
    """`keys` naming the checkpoint the engine reads: of the compressions present, the newest (the
    engine deletes the other one only after writing the new one), as the engine itself picks."""
    variants = [Keys(keys.project, keys.stack, compression) for compression in COMPRESSIONS]
    present = set(store.keys(variants[0].checkpoint))  # the plain name is the prefix of every form
    found = [variant for variant in variants if variant.checkpoint in present]
    return max(found, key=lambda variant: store.modified(variant.checkpoint)) if found else keys


@dataclass(frozen=True)
class Lock:
    key: str
    pid: int
    hostname: str
    taken: datetime | None

    @property
    def held_by_a_live_process(self) -> bool:
        # A lock from another host cannot be checked from here: treat it as live.
        return self.hostname != socket.gethostname() or _owner_alive(self)

    def describe(self) -> str:
        when = f", taken {self.taken.isoformat(timespec='seconds')}" if self.taken else ""
        return f"pid {self.pid} on {self.hostname}{when}"


@dataclass
class Recovered:
    """What recovery found and did, in order, for people; and the counts, for figures."""

    found: list[str] = field(default_factory=list)
    did: list[str] = field(default_factory=list)
    released_locks: int = 0
    dropped_operations: int = 0
    ended_processes: int = 0
    restored_from: str | None = None


def locks(stack: PulumiStack) -> list[Lock]:
    """The locks held on the stack, live or stale."""
    store = open_store(stack.backend_url)
    return _locks(store, keys_of(stack, store))


class LockFile(BaseModel):
    """A lock as the engine writes it (pkg/backend/diy/lock.go); anything else in the backend is refused."""

    pid: int = Field(gt=0, strict=True)
    hostname: str
    timestamp: object = None


def _locks(store: StateStore, keys: Keys) -> list[Lock]:
    found = []
    for key in store.keys(keys.locks):
        try:
            content = LockFile.model_validate_json(store.read(key))
            found.append(Lock(key, content.pid, content.hostname, _time(content.timestamp)))
        except (KeyError, ValueError):
            # Nobody can tell whose it is; taking it for live keeps two runs from writing one state.
            raise RecoveryError(
                f"lock {key} cannot be read; if no `pulumi` runs on this stack, delete it and recover again"
            ) from None
    return found


def _time(stamp: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(stamp))
    except ValueError:
        return None


def _owner_alive(lock: Lock) -> bool:
    try:
        started = psutil.Process(lock.pid).create_time()
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True
    return lock.taken is None or started <= lock.taken.timestamp() + PID_REUSE_SLACK_SECONDS


def pending_operations(stack: PulumiStack) -> list[dict[str, Any]]:
    """The operations a run had begun and not finished when it stopped."""
    store = open_store(stack.backend_url)
    return _pending(store, keys_of(stack, store))


def _pending(store: StateStore, keys: Keys) -> list[dict[str, Any]]:
    # Read from the checkpoint itself, which saves starting the engine; located again, since a
    # refresh run without the compression variable rewrites a `.json.zst` one as `.json`.
    checkpoint = located(store, keys).checkpoint
    try:
        latest = json.loads(decompressed(store.read(checkpoint), checkpoint))["checkpoint"]
    except KeyError:
        raise RecoveryError(f"no stack '{keys.stack}' of project '{keys.project}' in this backend") from None
    return list((latest.get("latest") or {}).get("pending_operations") or [])


def _export(stack: PulumiStack) -> dict[str, Any]:
    try:
        return stack.export()
    except auto.CommandError as exc:
        raise RecoveryError(f"`pulumi stack export` still fails: {_last_line(str(exc))}") from None


def recover(stack: PulumiStack, say: Callable[[str], None] = lambda _line: None) -> Recovered:
    """Makes a stack ready for `pulumi up` after a run died; `say` hears each finding and action.

    Raises RecoveryError, with the reason, when that cannot be done safely now.
    """
    done = Recovered()

    def found(line: str) -> None:
        done.found.append(line)
        say(f"found: {line}")

    def did(line: str) -> None:
        done.did.append(line)
        say(f"did: {line}")

    store = open_store(stack.backend_url)
    keys = keys_of(stack, store)
    held = _stale_locks(store, keys)
    for lock in held:
        found(f"a stale lock ({lock.describe()}): that process is gone")

    # First whether the stack exists at all (and readable): nothing is ended for a stack that is not there.
    done.restored_from = make_readable_state(store, keys, found, did)
    done.ended_processes = _end_leftover_plugins(stack.project_dir, held, found, did)

    for lock in held:
        # Only the locks judged stale above: `pulumi cancel` would delete every lock, a new run's too.
        store.delete(lock.key)
        did(f"released the lock {lock.key}")
    done.released_locks = len(held)

    pending = _pending(store, keys)
    for operation in pending:
        resource = operation.get("resource") or {}
        found(f"pending {operation.get('type', '?')} of {resource.get('urn', '?')}")
    done.dropped_operations = len(pending)
    if done.found:
        _refresh_clearing_pending(stack, store, keys, len(pending), did)
    else:
        _export(stack)  # the engine reads the state too
        say("found: nothing to recover (no lock, no leftover process, a readable state, no pending operation)")
    return done


def _stale_locks(store: StateStore, keys: Keys) -> list[Lock]:
    """The stack's locks, all stale; RecoveryError while a live process may hold one."""
    held = _locks(store, keys)
    live = [lock for lock in held if lock.held_by_a_live_process]
    if live:
        owners = "; ".join(lock.describe() for lock in live)
        raise RecoveryError(
            f"stack '{keys.stack}' is locked by a run that may still be going ({owners}); "
            "wait for it to finish (or stop that process) and run recover again"
        )
    return held


def _end_leftover_plugins(
    project_dir: Path, held: list[Lock], found: Callable[[str], None], did: Callable[[str], None]
) -> int:
    """Ends the plugin processes the dead runs left; how many."""
    ended = 0
    for process in leftover_plugins(project_dir, held):
        found(f"plugin process {process.pid} of a dead run still running ({_command(process)})")
        end(process)
        did(f"ended process {process.pid}")
        ended += 1
    return ended


def _refresh_clearing_pending(
    stack: PulumiStack, store: StateStore, keys: Keys, pending: int, did: Callable[[str], None]
) -> None:
    _refresh(stack, pending, did)
    if remaining := _pending(store, keys):
        raise RecoveryError(
            f"{len(remaining)} pending operation(s) remain after the refresh; "
            "remove `pending_operations` by `pulumi stack export` / `pulumi stack import`"
        )


def _refresh(stack: PulumiStack, pending: int, did: Callable[[str], None]) -> None:
    refreshed = stack.refresh(clear_pending_creates=True)
    if not refreshed.ok:
        reason = refreshed.errors[0].message if refreshed.errors else _last_line(refreshed.output)
        raise RecoveryError(
            f"the refresh failed: {reason}\n"
            "the stack is unlocked and readable; once the platform answers, run "
            f"`pulumi refresh --yes --clear-pending-creates --stack {stack.name}`"
        )
    did("refreshed the state from the platform" + (f", dropping {pending} pending operation(s)" if pending else ""))


# Plugin processes left by a dead run.


def leftover_plugins(project_dir: Path, dead_runs: list[Lock]) -> list[psutil.Process]:
    """The plugin processes of the dead runs whose stale locks are `dead_runs`.

    The kernel does not keep a process's first parent, so what ties a plugin to its dead engine is
    what Pulumi does when it starts one and what the kernel still shows of it. A process is one when
    all of these hold:
    - it is this user's (same real uid): recovery never ends another user's process, even as root;
    - it is started as Pulumi starts plugins: a plugin's command line (`is_plugin`), in a process
      group led by a plugin (the engine calls setpgid for each plugin it starts; the Python dynamic
      provider is the child of its `pulumi-resource-pulumi-python` script, in that script's group),
      in the engine's session (a session of its own was not made by the engine);
    - it works in `project_dir` (the engine starts every plugin there);
    - it started after a dead run locked the stack (the engine locks before it starts any plugin);
    - no live `pulumi` is above it (the kernel gave it to init when its engine died).
    Without a stale lock there is no dead run, and nothing is a leftover.
    """
    locked = [lock.taken.timestamp() for lock in dead_runs if lock.taken is not None]
    if not locked:
        return []
    since = min(locked) - PID_REUSE_SLACK_SECONDS
    where = project_dir.resolve()
    # process_iter keeps a Process per pid from one call to the next, with the start time it first read:
    # a pid reused since an earlier call would be judged by its former process's start time.
    psutil.process_iter.cache_clear()
    processes = psutil.process_iter(["pid", "cmdline", "uids", "create_time"])
    return [process for process in processes if _is_leftover(process, since, where)]


def _is_leftover(process: psutil.Process, since: float, where: Path) -> bool:
    """`leftover_plugins`' conditions, cheapest first; a process that went away or hides itself is not one."""
    try:
        info = process.info
        return (
            _this_users_since(info, since)
            and is_plugin(info["cmdline"] or [])
            and _in_a_plugin_group(process.pid)
            and Path(process.cwd()).resolve() == where
            and not any(parent.name() == "pulumi" for parent in process.parents())
        )
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, ProcessLookupError):
        return False


def _this_users_since(info: dict[str, Any], since: float) -> bool:
    return bool(info["uids"]) and info["uids"].real == os.getuid() and info["create_time"] >= since


def _in_a_plugin_group(pid: int) -> bool:
    """In a process group as the engine makes one for a plugin: led by a plugin of this user, which
    is not a session leader (setpgid, not setsid)."""
    group = os.getpgid(pid)
    if os.getsid(group) == group:
        return False
    # While a group exists the kernel gives nobody else its id as a pid: this is the group's leader.
    leader = psutil.Process(group)
    return leader.uids().real == os.getuid() and is_plugin(leader.cmdline())


# The interpreters that run a plugin given as a script (`sh pulumi-resource-...`, `python -u
# pulumi-language-python-exec`).
INTERPRETER = re.compile(r"(ba|da)?sh|python[0-9.]*")


def is_plugin(cmdline: list[str]) -> bool:
    """A Pulumi plugin's command line: its executable is named pulumi-language-* or pulumi-resource-*,
    or an interpreter runs a script so named (the first argument that is not an option), or it is
    the Python dynamic provider, `python -m pulumi.dynamic`. Any other command that merely has
    such a name among its arguments (`tail -f pulumi-resource-notes.log`) is not."""
    if not cmdline:
        return False
    if _plugin_named(cmdline[0]):
        return True
    if not INTERPRETER.fullmatch(Path(cmdline[0]).name):
        return False
    arguments = cmdline[1:]
    if "-m" in arguments:
        module = arguments.index("-m") + 1
        return module < len(arguments) and arguments[module] == PROVIDER_MODULE
    script = next((argument for argument in arguments if not argument.startswith("-")), "")
    return _plugin_named(script)


def _plugin_named(path: str) -> bool:
    return Path(path).name.startswith(PLUGIN_PREFIXES)


def _command(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())[:120]
    except psutil.Error:
        return "gone"


def end(process: psutil.Process) -> None:
    """SIGTERM, then SIGKILL if it has not exited after a grace period; psutil checks the pid still
    names this process.

    Exited is enough: a dead run's plugin is an orphan, which only init reaps, on its own schedule
    (every two seconds on a Firecracker guest; never under a container's PID 1 that does not reap).
    Waiting for it to be gone, as psutil.wait_procs does, held `recover` the whole grace period and
    then again after a SIGKILL that a zombie ignores: 10 s a plugin.
    """
    try:
        process.terminate()
        if not exited_within(process, END_GRACE_SECONDS):
            process.kill()
            exited_within(process, END_GRACE_SECONDS)
    except psutil.NoSuchProcess:
        pass


def exited_within(process: psutil.Process, seconds: float) -> bool:
    """Whether `process` has exited (is gone, or a zombie its parent has yet to reap) within `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)


# The stack's checkpoint, made readable.


def make_readable_state(
    store: StateStore, keys: Keys, found: Callable[[str], None], did: Callable[[str], None]
) -> str | None:
    """Repairs what keeps the engine from reading the checkpoint; returns what it restored from."""
    try:
        content = store.read(keys.checkpoint)
    except KeyError:
        raise RecoveryError(f"no stack '{keys.stack}' of project '{keys.project}' in this backend") from None
    broken = store.broken_metadata(keys.checkpoint)
    if broken:
        found(f"the checkpoint {keys.checkpoint} cannot be read by pulumi: {broken}")
        store.drop_metadata(keys.checkpoint)
        did(f"removed that metadata file (its content, {len(content)} bytes, is the state itself)")
    for copy in [keys.backup, *store.keys(keys.history)]:
        if store.broken_metadata(copy):
            # Harmless to `up`, but `pulumi stack history` and a restore from it would fail on it too.
            store.drop_metadata(copy)
            did(f"removed the unreadable metadata file of {copy}")
    problem = checkpoint_problem(content, keys.checkpoint)
    if problem is None:
        return None
    found(f"the checkpoint {keys.checkpoint} {problem}")
    for source in [keys.backup, *reversed(_history_checkpoints(store, keys))]:
        try:
            candidate = store.read(source)
        except KeyError:
            continue
        if (why := checkpoint_problem(candidate, source)) is not None:
            found(f"{source} {why}: not usable")
            continue
        aside = f"{keys.checkpoint}.unreadable-{time.strftime('%Y%m%dT%H%M%S')}"
        store.write(aside, content)
        store.write(keys.checkpoint, candidate)
        did(f"restored the checkpoint from {source} (the unreadable one is kept as {aside})")
        return source
    raise RecoveryError(
        f"the checkpoint {keys.checkpoint} {problem}, and no readable copy was found "
        f"({keys.backup}, {keys.history}*.checkpoint.json)"
    )


HISTORY_CHECKPOINT = re.compile(r"-(\d+)\.checkpoint\.json(\.gz|\.zst)?$")


def _history_checkpoints(store: StateStore, keys: Keys) -> list[str]:
    """The history checkpoints, oldest first (their names carry a nanosecond timestamp)."""
    stamped = [(int(m[1]), key) for key in store.keys(keys.history) if (m := HISTORY_CHECKPOINT.search(key))]
    return [key for _, key in sorted(stamped)]


def checkpoint_problem(content: bytes, name: str) -> str | None:
    """Why the checkpoint file `name` cannot be read, or None when it can.

    Raises RecoveryError for one that expands past MAX_CHECKPOINT_BYTES: no copy is trusted then."""
    if not content.strip():
        return "is empty"
    try:
        document = json.loads(decompressed(content, name))
    except (OSError, EOFError, ValueError, zstandard.ZstdError):
        return "is not a complete JSON document"
    if not isinstance(document, dict) or not isinstance(document.get("checkpoint"), dict):
        return "is JSON but not a checkpoint"
    return None


def decompressed(content: bytes, name: str) -> bytes:
    """A checkpoint's JSON, as the engine wrote it plain, gzip- or zstd-compressed (told by its magic).

    Anyone who can write the backend can plant a compressed file that expands without end: what it
    expands to is read in chunks and refused past MAX_CHECKPOINT_BYTES, so memory stays bounded."""
    if content.startswith(ZSTD_MAGIC):
        # A stream reader: the engine's frames need not carry their decompressed size.
        with zstandard.ZstdDecompressor().stream_reader(content) as reader:
            return _bounded(reader.read, name)
    if content.startswith(GZIP_MAGIC):
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as reader:
            return _bounded(reader.read, name)
    return content


def _bounded(read: Callable[[int], bytes], name: str) -> bytes:
    chunks, size = [], 0
    while chunk := read(DECOMPRESSION_CHUNK):
        size += len(chunk)
        if size > MAX_CHECKPOINT_BYTES:
            raise RecoveryError(
                f"{name} decompresses to more than {MAX_CHECKPOINT_BYTES // MIB} MiB, more than any checkpoint "
                "orgaccess writes (docs/recovery.md): refusing to read it. If nobody planted it, restore the "
                "stack by hand (`pulumi stack import`); otherwise find who can write this backend"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _last_line(text: str) -> str:
    # What the engine said last, when it failed before it could send an event.
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no output"
