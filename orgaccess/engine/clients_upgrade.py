"""The upgrade of a stack made when each org's client of an account was a resource of its own.

Where accounts live per org (genesys-cloud), an org's clients are now parts of its `OrgAccess`
resource (kinds/org_access.py): one resource per org, not three. An older stack's state holds a
`ServiceAccount` resource per client, and the one thing only that state knows is the secret of a
client orgaccess made: the platform never shows it again.

The first `up` with this version makes each org's resource adopt its clients (reads only), and the
engine then deletes the old resources, which are no longer declared. Their delete would delete the
client; instead it releases one that orgaccess adopted (its operators hold the secret), and refuses
one that orgaccess made (providers/upgrade_clients.py), so its secret stays in the state. `upgrade` then moves each old
resource's outputs, the secret among them, into its org's resource, in the state only: `pulumi
stack export --show-secrets` and `pulumi stack import` over pipes, so the secret never lands in a
file, and the engine encrypts it again with the stack's key. The next `up` has nothing left to do.
`orgaccess fleet up` runs it by itself; a stack of its own runs `orgaccess upgrade`.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from collections.abc import Callable, Mapping
from typing import Any

from pulumi import automation as auto

from orgaccess import dialects
from orgaccess.deploy.policy_rules import TYPE_PREFIX
from orgaccess.platform.settings import NAMESPACE
from orgaccess.reconciler.kinds import org_access, service_account
from orgaccess.reconciler.kinds.base import OBJECTS, SECRETS, known_objects, label
from providers.upgrade_clients import COMMAND, left_over

SERVICE_ACCOUNT = TYPE_PREFIX + service_account.KIND.name
ORG_ACCESS = TYPE_PREFIX + org_access.KIND.name
# How `pulumi stack export --show-secrets` writes a secret: this signature key and value, and the
# JSON of the value under `plaintext`.
SECRET_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")


class UpgradeError(RuntimeError):
    """The state cannot be upgraded as it is; the message says why and what to do."""


def upgrade(stack: Callable[[], auto.Stack]) -> int:
    """Moves the old client resources of the `stack()`'s state into their orgs' resources; how many.

    Only on a platform where an org's clients are parts of its resource (the stack's
    `orgaccess:platform`, as the program reads it): elsewhere a `ServiceAccount` is a resource of its own.
    """
    try:
        selected = stack()
        config = selected.get_all_config()
        exported = selected.export_stack()  # `pulumi stack export --show-secrets`, read from its stdout
    except auto.CommandError as exc:
        raise UpgradeError(f"the stack cannot be read; nothing changed:\n{engine_said(str(exc))}") from None
    dialect = dialects.chosen(lambda key: _value(config.get(f"{NAMESPACE}:{key}")))
    if not left_over(service_account.KIND.name, dialect):
        return 0
    state, moved = folded({"version": exported.version, "deployment": exported.deployment})
    if moved:
        _import(selected, state)
    return moved


def folded(state: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """`state`, as `pulumi stack export --show-secrets` writes it, with each `ServiceAccount`
    resource's outputs moved into its org's `OrgAccess` resource (made where there is none), and
    the number moved."""
    upgraded = copy.deepcopy(dict(state))
    body = upgraded["deployment"]
    resources: list[dict[str, Any]] = list(body.get("resources") or [])
    old = {r["urn"] for r in resources if r.get("type") == SERVICE_ACCOUNT}
    if old and body.get("pending_operations"):
        raise UpgradeError(
            f"the stack's last run died with operations pending; run `orgaccess recover` first, then `{COMMAND}`"
        )
    if old:
        body["resources"] = _moved(resources, old)
    return upgraded, len(old)


def _moved(resources: list[dict[str, Any]], old: set[str]) -> list[dict[str, Any]]:
    """`resources` without those `old`, each taken by its org's resource, which is made where missing."""
    holders = {r["inputs"]["org"]: r for r in resources if r.get("type") == ORG_ACCESS}
    kept: list[dict[str, Any]] = []
    for resource in resources:
        if resource["urn"] not in old:
            kept.append(resource)
            continue
        org = str(resource["inputs"]["homeOrg"])
        if org not in holders:
            holders[org] = _new_holder(holders, org)
            kept.append(holders[org])
        _take(holders[org], resource)
    for resource in kept:
        _forget(resource, old)
    return kept


def _take(holder: dict[str, Any], account: Mapping[str, Any]) -> None:
    """Adds what `account`'s resource kept (client id, adopted, secret) to its org's resource's outputs."""
    inputs, outputs = account["inputs"], account["outputs"]
    name = label(service_account.KIND, inputs)
    held = holder["outputs"]
    known = known_objects({OBJECTS: held.get(OBJECTS), SECRETS: _plain(held.get(SECRETS))})
    known[name] = {k: _plain(v) for k, v in outputs.items() if k not in inputs and not k.startswith("__")}
    kept = org_access.KIND.kept(known)
    held[OBJECTS] = kept[OBJECTS]
    if SECRETS in kept:
        held[SECRETS] = _secret(kept[SECRETS])


def _new_holder(holders: Mapping[str, dict[str, Any]], org: str) -> dict[str, Any]:
    """An `OrgAccess` resource of `org` holding nothing yet, made after another org's: its next `up`
    declares its objects, and keeps what it is given here."""
    template = next(iter(holders.values()), None)
    if template is None:
        raise UpgradeError(
            f"the state holds clients of org {org} but no OrgAccess resource to take them; run `pulumi up` "
            f"once (it makes them, then stops at the old clients), then `{COMMAND}`"
        )
    engine = {k: v for k, v in template["inputs"].items() if k.startswith("__")}
    declared = {**engine, **org_access.KIND.declared(org, {})}
    made = copy.deepcopy(template)
    made.update(
        urn=template["urn"].rsplit("::", 1)[0] + f"::{org}",
        id=org,
        inputs=declared,
        outputs={**declared, OBJECTS: "{}", "failed": []},
        dependencies=[],
        propertyDependencies={},
    )
    return made


def _forget(resource: dict[str, Any], gone: set[str]) -> None:
    """Drops `resource`'s dependencies on the resources `gone`."""
    resource["dependencies"] = [urn for urn in resource.get("dependencies") or [] if urn not in gone]
    by_property = resource.get("propertyDependencies") or {}
    resource["propertyDependencies"] = {k: [u for u in v if u not in gone] for k, v in by_property.items()}


def _value(setting: auto.ConfigValue | None) -> str | None:
    return setting.value if setting is not None else None


def _plain(value: Any) -> Any:
    if isinstance(value, dict) and value.get(SECRET_SIG[0]) == SECRET_SIG[1]:
        return json.loads(value["plaintext"])
    return value


def _secret(value: Any) -> dict[str, str]:
    return {SECRET_SIG[0]: SECRET_SIG[1], "plaintext": json.dumps(value)}


def _import(stack: auto.Stack, state: Mapping[str, Any]) -> None:
    """`pulumi stack import` of `state` from a pipe: the Automation API's import writes it to a file."""
    workspace = stack.workspace
    done = subprocess.run(
        [workspace.pulumi_command.command, "stack", "import", "--stack", stack.name],
        input=json.dumps(state),
        capture_output=True,
        text=True,
        cwd=workspace.work_dir,
        env={**os.environ, **(workspace.env_vars or {})},
        check=False,
    )
    if done.returncode != 0:
        raise UpgradeError(
            f"`pulumi stack import` of the upgraded state failed; nothing changed:\n{engine_said(done.stderr)}"
        )


def engine_said(text: str) -> str:
    """The engine's own words in a failed command's text: its stderr, never its stdout (an export's
    stdout is the state, secrets shown)."""
    said = text.rpartition("stderr:")[2].strip().splitlines()
    return "\n".join(line.removeprefix("error: ") for line in said) or "no reason given"
