"""The Pulumi program: access.yaml in, a resource per service account and per org out.

Everything that can be wrong with the input is found here, before the engine asks
any provider to write: the file's own rules, then which orgs the credentials reach.
"""

from __future__ import annotations

from typing import Any

import pulumi

from orgaccess import session, settings
from orgaccess.declarations import DeclarationError, Declarations, load_declarations
from orgaccess.desired import Desired, per_org, plan
from orgaccess.fleet.shard import Shard, parse_shard
from orgaccess.preflight import check_addressable
from orgaccess.settings import SettingsError
from providers import OrgAccess, ServiceAccount

RESOURCES = {cls.__name__: cls for cls in (ServiceAccount, OrgAccess)}


def run() -> None:
    config = pulumi.Config(settings.NAMESPACE)
    path = settings.declarations_path(config.get)
    try:
        shard = parse_shard(config.get("shard"))
        decls = load_declarations(path)
        # get_config reads a secret without Config.get's warning; the value never leaves this process.
        session.configure(settings.resolve(settings.stack_lookup(pulumi.runtime.get_config)))
        check_addressable(decls, path, session.fleet())
    except (DeclarationError, SettingsError) as exc:
        # RunError is shown as its message alone, which is all a user needs here.
        raise pulumi.RunError(str(exc)) from None
    # Every shard validates the whole file above, so a bad file stops every stack of a fleet.
    resources = register(per_org(shard.select(plan(decls))))
    export_summary(decls, resources, shard)


def register(desired: list[Desired]) -> dict[tuple[str, str], Any]:
    made: dict[tuple[str, str], Any] = {}
    for item in desired:
        needs = [made[key] for key in item.depends_on]
        made[item.key] = RESOURCES[item.kind](item.name, item.props, pulumi.ResourceOptions(depends_on=needs))
    return made


def export_summary(decls: Declarations, resources: dict[tuple[str, str], Any], shard: Shard) -> None:
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
    if not shard.accounts:
        return
    accounts = {a.name: resources[("ServiceAccount", f"{decls.homeOrg}/{a.name}")] for a in decls.serviceAccounts}
    # `secret` is a secret output: `pulumi stack output --show-secrets` is the only way to read it.
    pulumi.export("serviceAccounts", {n: {"clientId": r.clientId, "secret": r.secret} for n, r in accounts.items()})
