"""Moving an older fleet's account clients out of its accounts stack into the org stacks that hold them now.

Where accounts live per org, each org's clients are in the org's own stack (deploy/shard.accounts_stack);
a fleet made before that keeps every org's clients in one `accounts` stack. Run as it is, the new
layout would leave them in that stack's state (which, run, would delete every one: every app's
access revoked) while each org stack made them again. Instead, before any org stack runs, the
engine's own `pulumi state move` hands each client's resource, with its id and encrypted secret, to
the org stack that holds its org: the platform is not called, and the org stack's next `up` finds
the client in its own state, unchanged, and takes it into its org's resource (engine/clients_upgrade.py).

Only a `fleet up` of the whole fleet moves them, as its one runner: each move rewrites the accounts
stack's checkpoint and takes no stack lock, so two runners moving at once (one CI job per stack)
could each write back what the other had moved out. Anything else refuses, saying what to run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from orgaccess.deploy.backend import project_settings
from orgaccess.deploy.shard import Shard, accounts_stack, parse_shard
from orgaccess.engine.automation import PROJECT_DIR
from orgaccess.engine.clients_upgrade import SERVICE_ACCOUNT
from orgaccess.engine.recovery import Keys, decompressed, located
from orgaccess.engine.statestore import StateStore, StoreError, open_store
from orgaccess.fleet.layout import ACCOUNTS_STACK, StackSpec
from orgaccess.fleet.workspace import Backend, open_stack
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.settings import Settings

DYNAMIC_PROVIDER = "pulumi:providers:pulumi-python"
DEFAULT_PROVIDER = "default"
OLD_ACCOUNTS = StackSpec(ACCOUNTS_STACK, ACCOUNTS_STACK, ())
HOW = "docs/fleet.md, *Accounts per org*"


class MoveError(RuntimeError):
    """The accounts cannot be moved now, or the move failed; the message says what to do."""


@dataclass(frozen=True)
class Move:
    """The account clients (resource URNs in the accounts stack) that org stack `dest` holds now."""

    dest: StackSpec
    urns: tuple[str, ...]


def pending_moves(backend_url: str, specs: list[StackSpec], dialect: Dialect) -> list[Move]:
    """What the backend's accounts stack still holds that the org stacks of `specs` hold on `dialect`,
    by org stack in fleet order. None where the dialect keeps an accounts stack, where the backend has
    no accounts stack, or where it is not a backend orgaccess reads (file, PostgreSQL)."""
    if accounts_stack(dialect):
        return []
    try:
        resources = _resources(open_store(backend_url), ACCOUNTS_STACK)
    except (StoreError, OSError):
        return []
    holders = [(spec, parse_shard(spec.shard, dialect)) for spec in specs if not spec.is_accounts]
    by_stack: dict[str, list[str]] = {spec.name: [] for spec, _ in holders}
    for resource in resources:
        if resource.get("type") == SERVICE_ACCOUNT:
            by_stack[_holder(resource, holders).name].append(str(resource["urn"]))
    return [Move(spec, tuple(by_stack[spec.name])) for spec, _ in holders if by_stack[spec.name]]


def _holder(resource: dict[str, Any], holders: list[tuple[StackSpec, Shard]]) -> StackSpec:
    """The org stack that holds the org an account client lives in (its `homeOrg`)."""
    org = str(resource.get("inputs", {}).get("homeOrg", ""))
    found = next((spec for spec, shard in holders if shard.holds_org(org)), None)
    if found is None:
        raise MoveError(f"the accounts stack holds {resource['urn']}, of org {org!r}, which no org stack holds")
    return found


def refusal(moves: list[Move]) -> str:
    """Why a fleet command other than `fleet up` of every stack does not run, and what to run."""
    count = sum(len(move.urns) for move in moves)
    where = ", ".join(f"{move.dest.name}: {len(move.urns)}" for move in moves)
    return (
        f"the backend's '{ACCOUNTS_STACK}' stack still holds {count} account clients that now belong in their "
        f"orgs' stacks ({where}); run `orgaccess fleet up` once with every stack (no --only) to move them there "
        f"with `pulumi state move` before it runs the stacks (the platform is not changed), or move them by "
        f"hand ({HOW})"
    )


def move_accounts(
    moves: list[Move],
    *,
    declarations: Path,
    backend: Backend,
    settings: Settings,
    env: dict[str, str],
    say: Callable[[str], None],
) -> None:
    """`pulumi state move` of each move's clients from the accounts stack into its org stack."""
    store = open_store(backend.url)
    locked = [name for name in (ACCOUNTS_STACK, *(m.dest.name for m in moves)) if _locked(store, name)]
    if locked:
        raise MoveError(
            f"cannot move the accounts: stack {locked[0]} is locked by another run; try again when it has "
            "finished (a run that died leaves its lock: `orgaccess recover`)"
        )
    # Opened as a fleet run opens them: created if new, each in its project copy with its config.
    source = Engine(open_stack(OLD_ACCOUNTS, declarations, backend, settings, env), ACCOUNTS_STACK)
    for move in moves:
        dest = Engine(open_stack(move.dest, declarations, backend, settings, env), move.dest.name)
        try:
            align_provider(source, dest)
            args = ["state", "move", "--source", ACCOUNTS_STACK, "--dest", move.dest.name, "--yes", "--color", "never"]
            dest.run(*args, *move.urns)
        except auto.CommandError as exc:
            # The engine saves the destination first: its own message says what, if anything, is left to do.
            raise MoveError(f"moving the accounts into {move.dest.name} failed:\n{exc}") from None
        say(f"moved {len(move.urns)} account clients from stack {ACCOUNTS_STACK} to {move.dest.name} (state only)")


@dataclass(frozen=True)
class Engine:
    """The engine's commands, run in one stack's project copy."""

    stack: auto.Stack
    name: str

    def run(self, *args: str) -> auto.CommandResult:
        workspace = self.stack.workspace
        return workspace.pulumi_command.run(list(args), str(workspace.work_dir), workspace.env_vars)

    def export(self) -> dict[str, Any]:
        """The stack's state, its secrets ciphertext (never decrypted here)."""
        return dict(json.loads(self.run("stack", "export", "--stack", self.name).stdout))


def align_provider(source: Engine, dest: Engine) -> None:
    """The accounts stack's provider given the org stack's config, which the move requires.

    `pulumi state move` hands a moved resource to the destination's provider only when the two
    providers' inputs are equal, else refuses (`provider ... already exists in destination stack`).
    A dynamic provider's inputs are its stack's config, which differs by `orgaccess:shard`; the
    accounts stack is never run again, so its provider may take each org stack's config in turn.
    """
    wanted = _providers(dest.export()).get(DEFAULT_PROVIDER)
    if wanted is None:
        return  # a destination without a provider takes a copy of the source's
    exported = source.export()
    for provider in _providers(exported).values():
        provider["inputs"], provider["outputs"] = wanted["inputs"], wanted["outputs"]
    # Ciphertext only: the secrets stay encrypted with the accounts stack's own key.
    path = Path(source.stack.workspace.work_dir) / "aligned-state.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    try:
        source.run("stack", "import", "--stack", source.name, "--file", str(path))
    finally:
        path.unlink()


def _providers(exported: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The stack's default dynamic providers by name (`default`), as exported."""
    resources = (exported.get("deployment") or {}).get("resources") or []
    return {r["urn"].rsplit("::", 1)[-1]: r for r in resources if r.get("type") == DYNAMIC_PROVIDER}


def _resources(store: StateStore, stack: str) -> list[dict[str, Any]]:
    """The resources of `stack`'s checkpoint; none when the backend has no such stack."""
    checkpoint = located(store, _keys(stack)).checkpoint
    try:
        content = store.read(checkpoint)
    except KeyError:
        return []
    latest = json.loads(decompressed(content, checkpoint)).get("checkpoint", {}).get("latest") or {}
    return list(latest.get("resources") or [])


def _locked(store: StateStore, stack: str) -> bool:
    return bool(store.keys(_keys(stack).locks))


def _keys(stack: str) -> Keys:
    return Keys(str(project_settings(PROJECT_DIR)["name"]), stack)
