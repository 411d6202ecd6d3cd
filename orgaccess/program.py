"""The Pulumi program: access.yaml in, a resource per service account and per org out.

Everything that can be wrong with the input is found before the engine asks any provider to
write: here, the file's own rules, then which orgs the credentials reach, as far as that takes no
login to each org (the provider checks the rest before its first check answers:
dialects/base.Definition.reading_preflight).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pulumi

from orgaccess import dialects
from orgaccess.declarations.access_yaml import DeclarationError, Declarations
from orgaccess.deploy import outputs_wait, sdk_debug, session, stack_traces, startup, validated
from orgaccess.deploy.backend import compression_advice
from orgaccess.deploy.shard import Shard, parse_shard
from orgaccess.dialects.base import Definition
from orgaccess.plan.desired import Desired, per_org, plan
from orgaccess.platform import settings
from orgaccess.platform.settings import SettingsError
from orgaccess.reconciler.drift import from_records
from orgaccess.reconciler.kinds import KINDS, org_access, service_account
from orgaccess.reconciler.kinds.base import FAILED, kept_field, label
from providers import Convergence, resource_type


def run() -> None:
    startup.engine_process()
    outputs_wait.install()
    # The engine runs the program from its project directory, whose __main__.py is the entry.
    stack_traces.install(Path.cwd() / "__main__.py")
    sdk_debug.install(os.environ)
    config = pulumi.Config(settings.NAMESPACE)
    path = settings.declarations_path(config.get)
    try:
        dialect = dialects.chosen(config.get)
        shard_value = config.get("shard")
        shard = parse_shard(shard_value, dialect)
        decls = validated.load_part(path, dialect, shard_value)
        # get_config reads a secret without Config.get's warning; the value never leaves this process.
        session.configure(settings.resolve(settings.stack_lookup(pulumi.runtime.get_config), dialect))
        dialect.planning_preflight(decls, path, session.fleet(), shard.holds_org)
    except (DeclarationError, SettingsError) as exc:
        # RunError is shown as its message alone, which is all a user needs here.
        raise pulumi.RunError(str(exc)) from None
    if advice := compression_advice(Path.cwd(), dict(os.environ)):
        pulumi.log.warn(advice)
    # The whole file is validated above in every stack, or once for all of them by `orgaccess fleet`
    # (deploy/validated.py), so a bad file stops every stack of a fleet.
    resources = register(per_org(shard.select(plan(shard.narrow(decls), dialect)), dialect))
    export_summary(decls, resources, shard, dialect)
    fail_on_part_failures(resources)


def register(desired: list[Desired]) -> dict[tuple[str, str], Any]:
    made: dict[tuple[str, str], Any] = {}
    for item in desired:
        needs = [made[key] for key in item.depends_on]
        made[item.key] = resource_type(item.kind)(item.name, item.props, pulumi.ResourceOptions(depends_on=needs))
        show_drift(made[item.key])
    return made


def show_drift(resource: Any) -> None:
    """In a preview, one warning under `resource` per drifted field of its objects.

    A plain `pulumi preview` shows a resource's diagnostics under its name, and only the keys of
    the properties that change: the warnings are what says which object and field differ, on every
    preview, whatever the state holds. The records are the provider's check (its `drift` input),
    which a preview hands back as the resource's outputs; an `up` and an unchanged resource have none.
    """

    def warn(records: Any) -> None:
        for found in from_records(records):
            pulumi.log.warn(found.headline(), resource=resource)

    resource.drift.apply(warn)


def fail_on_part_failures(resources: dict[tuple[str, str], Any]) -> None:
    """Fails the `up` with every object that could not converge, once every org has converged.

    An org resource lists such objects under `failed` instead of failing, so that the objects it
    did converge are saved (kinds/base.Composite); one `Convergence` resource turns them back into
    the `up`'s error.
    """
    failed = [getattr(r, FAILED) for (kind, _), r in resources.items() if FAILED in KINDS[kind].outputs]
    Convergence(pulumi.Output.all(*failed).apply(lambda per_org: [line for lines in per_org for line in lines or ()]))


def export_summary(
    decls: Declarations, resources: dict[tuple[str, str], Any], shard: Shard, dialect: Definition
) -> None:
    summary: dict[str, Any] = {
        org.id: {
            "licenses": dict(org.licenses),
            "bindings": {b.serviceAccount: sorted(b.roles) for b in org.bindings},
        }
        for org in decls.orgs
        if shard.holds_org(org.id)
    }
    pulumi.export("orgs", summary)
    pulumi.export("homeOrg", decls.homeOrg)
    # Where an account lives in several orgs, each of its clients has its own secret output:
    # `{account: {org: {clientId, secret}}}`; else `{account: {clientId, secret}}`.
    clients = _clients_held(decls, resources, dialect)
    if not clients:
        return
    if dialect.accounts_per_org:
        pulumi.export("serviceAccounts", clients)
    else:
        pulumi.export("serviceAccounts", {name: by_org[decls.homeOrg] for name, by_org in clients.items()})


def _clients_held(
    decls: Declarations, resources: dict[tuple[str, str], Any], dialect: Definition
) -> dict[str, dict[str, dict[str, Any]]]:
    """`{account: {org: credentials}}` of the clients this stack holds: where accounts live per org,
    each org stack holds its orgs', inside each org's resource."""
    clients = {
        a.name: {
            org: found
            for org in service_account.account_orgs(decls, a.name, dialect)
            if (found := _credentials(resources, org, a.name)) is not None
        }
        for a in decls.serviceAccounts
    }
    return {name: by_org for name, by_org in clients.items() if by_org}


def _credentials(resources: dict[tuple[str, str], Any], org: str, account: str) -> dict[str, Any] | None:
    """The client of `account` in `org`, from the resource that holds it: its own, or its org's.

    `secret` is a secret output: `pulumi stack output --show-secrets` is the only way to read it.
    """
    if (own := resources.get(service_account.KIND.key_of(org, account))) is not None:
        return {"clientId": own.clientId, "secret": own.secret}
    holder = resources.get((org_access.KIND.name, org))
    if holder is None:
        return None
    name = label(service_account.KIND, {"homeOrg": org, "name": account})
    # Both are JSON of every object in the org; a client that did not converge has neither.
    return {
        "clientId": holder.objects.apply(lambda kept: kept_field(kept, name, "clientId")),
        "secret": holder.secrets.apply(lambda kept: kept_field(kept, name, "secret") or ""),
    }
