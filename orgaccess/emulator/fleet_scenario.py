"""A fleet of N orgs for benchmarks and scale tests: the emulator's state and the access.yaml for it.

    fleet = generate(100, drift_fraction=0.3, seed=0)                 # seed platform
    fleet = generate(100, drift_fraction=0.3, seed=0, api=Api.GENESYS_CLOUD)
    with running_emulator(fleet.scenario, dialect=fleet.api) as emu: ...   # live state, drifted
    Path("access.yaml").write_text(fleet.declarations_yaml)                # the declared, converged state

The home org and N-1 partners, two service accounts, three custom roles bound in every org; on
the seed platform the accounts live in the home org, which is linked to every partner and holds
orgaccess's one admin account. On genesys-cloud a client acts in its own org only, so every org
holds its own admin client (granted `admin`; `Fleet.admins`, one credential per org) and its own
client of each account; the roles' permissions are declared with their Genesys names and no
account has an org lock. A converged org is exactly what access.yaml declares; a drifted org (a
seeded choice of `drift_fraction` of them) differs by one per-org cause of the partner-org 403:

- C3 no-role: the roles do not exist in the org, so nothing is granted;
- C3 no-grant: the roles exist but the app holds none of them;
- C3 role-lacks-permission: `Recording Analyst` exists without `recording:view`;
- C3 extra-grant: the reporting app also holds `admin`, which least privilege revokes;
- C4 license-off: `analytics` is off (self-service, so `pulumi up` fixes it);
- C7 home-division-only (genesys-cloud): Premium App's roles, declared in every division (`*`),
  are granted in the home division only.

On the seed platform C1 (scope) and C2 (org lock) live on the service accounts in the home org, so
they are fleet-wide: with any drift at all, Premium App lacks `recording:view` and is locked to the
primary org. Neither exists on genesys-cloud. C5 (an org not linked to the home org; on
genesys-cloud, an org without the app's client) is not generated: on the seed platform orgaccess
does not manage links, and its preflight refuses access.yaml that names an unreachable org.
No license is contract-managed, so a converged fleet previews with no change at all.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from orgaccess.emulator.api import Api
from orgaccess.platform.genesys.permissions import from_seed

HOME = "org-primary"
ADMIN_ID = "orgaccess-admin"
ADMIN_SECRET = "s3cret-admin"
ADMIN_SCOPES = ["security:read", "security:roles:edit", "oauth:clients:edit", "license:features:edit"]
ALL_DIVISIONS = "*"


@dataclass(frozen=True)
class App:
    """A declared service account and the roles it holds in every org."""

    id: str
    name: str
    scopes: tuple[str, ...]
    roles: tuple[str, ...]
    # The policy pack asks why a role that deletes recordings is bound.
    justification: str | None = None


PREMIUM = App(
    "premium-app",
    "Premium App",
    ("recording:view",),
    ("Recording Analyst", "Screen Recording Admin"),
    "Premium deletes recordings on the partner's legal request",
)
REPORTING = App("reporting-app", "Reporting App", ("analytics:read",), ("Analytics Reader",))
APPS = (PREMIUM, REPORTING)
ROLES = [
    {"name": "Recording Analyst", "permissions": ["recording:view"]},
    {"name": "Screen Recording Admin", "permissions": ["admin:screen_recordings"]},
    {"name": "Analytics Reader", "permissions": ["analytics:read"]},
]
CAUSES = ("no-role", "no-grant", "role-lacks-permission", "extra-grant", "license-off")
GENESYS_CAUSES = (*CAUSES, "home-division-only")

# A client's id in an org: the seed's accounts are one id everywhere, a Genesys org has its own client.
ClientIn = Callable[[str], str]


@dataclass(frozen=True)
class Fleet:
    scenario: dict[str, Any]
    declarations_yaml: str
    # Org id -> the cause of its drift, for the drifted orgs only.
    drifted: dict[str, str]
    # orgaccess's admin credential (client id, secret) by the org it logs in to: the home org's
    # alone on the seed platform (it reaches every linked org), every org's own on genesys-cloud.
    admins: dict[str, tuple[str, str]]
    api: Api = Api.SEED


def org_ids(n_orgs: int) -> list[str]:
    return [HOME, *(f"org-partner-{i:04d}" for i in range(1, n_orgs))]


def generate(n_orgs: int, drift_fraction: float = 0.3, seed: int = 0, api: Api = Api.SEED) -> Fleet:
    if n_orgs < 1 or not 0.0 <= drift_fraction <= 1.0:
        raise ValueError("need n_orgs >= 1 and 0 <= drift_fraction <= 1")
    ids = org_ids(n_orgs)
    rng = random.Random(seed)
    chosen = sorted(rng.sample(ids, round(drift_fraction * n_orgs)))
    causes = GENESYS_CAUSES if api is Api.GENESYS_CLOUD else CAUSES
    drifted = {org: rng.choice(causes) for org in chosen}
    build = _genesys_fleet if api is Api.GENESYS_CLOUD else _seed_fleet
    return build(ids, drifted)


def _seed_fleet(ids: list[str], drifted: dict[str, str]) -> Fleet:
    orgs = [_live_org(org, drifted.get(org), _same_id, None) for org in ids]
    orgs[0]["linked"] = ids[1:]
    orgs[0]["clients"] = [
        _client(ADMIN_ID, "orgaccess admin", ADMIN_SCOPES, ADMIN_SECRET),
        *_seed_apps(fleet_drifted=bool(drifted)),
    ]
    return Fleet({"organizations": orgs}, _declarations(ids, Api.SEED), drifted, {HOME: (ADMIN_ID, ADMIN_SECRET)})


def _genesys_fleet(ids: list[str], drifted: dict[str, str]) -> Fleet:
    orgs = []
    for org in ids:
        client_in = _in_org(org)
        live = _live_org(org, drifted.get(org), client_in, ALL_DIVISIONS)
        # Scopes do not limit a Genesys client-credentials token: declared and live, none.
        live["clients"] = [_client(client_in(ADMIN_ID), "orgaccess admin")]
        live["clients"] += [_client(client_in(app.id), app.name) for app in APPS]
        orgs.append(live)
    admins = {org: (_in_org(org)(ADMIN_ID), _secret(_in_org(org)(ADMIN_ID))) for org in ids}
    scenario = {"organizations": orgs}
    return Fleet(scenario, _declarations(ids, Api.GENESYS_CLOUD), drifted, admins, Api.GENESYS_CLOUD)


def _same_id(client_id: str) -> str:
    return client_id


def _in_org(org: str) -> ClientIn:
    """Client ids in `org` on genesys-cloud: unique on the platform, as each org has its own clients."""
    return lambda client_id: f"{client_id}-{org.removeprefix('org-')}"


def _secret(client_id: str) -> str:
    return f"s3cret-{client_id}"


def _client(client_id: str, name: str, scopes: list[str] | None = None, secret: str | None = None) -> dict[str, Any]:
    return {"id": client_id, "secret": secret or _secret(client_id), "name": name, "scopes": scopes or []}


def _seed_apps(*, fleet_drifted: bool) -> list[dict[str, Any]]:
    apps = [_client(app.id, app.name, list(app.scopes)) for app in APPS]
    if fleet_drifted:
        apps[0] |= {"scopes": [], "orgLock": "PRIMARY_ONLY"}  # C1 and C2
    return apps


def _live_org(org: str, cause: str | None, client_in: ClientIn, premium_division: str | None) -> dict[str, Any]:
    """The org as declared (Premium App's roles granted in `premium_division`), then broken by `cause`."""
    live = {
        "id": org,
        "name": org.removeprefix("org-").replace("-", " ").title(),
        "licenses": {"analytics": {"enabled": True, "selfService": True}},
        "roles": [dict(role) for role in ROLES],
        "grants": _granted(client_in, premium_division),
    }
    if cause is not None:
        _BREAKS[cause](live, client_in)
    return live


def _granted(client_in: ClientIn, premium_division: str | None) -> list[dict[str, str]]:
    """The grants of an org as declared: the orgaccess admin's, and each app's roles."""
    grants = [{"subject": client_in(ADMIN_ID), "role": "admin"}]
    for app in APPS:
        division = {"division": premium_division} if app is PREMIUM and premium_division else {}
        grants += [{"subject": client_in(app.id), "role": role, **division} for role in app.roles]
    return grants


def _no_role(live: dict[str, Any], _client_in: ClientIn) -> None:
    live["roles"], live["grants"] = [], live["grants"][:1]


def _no_grant(live: dict[str, Any], client_in: ClientIn) -> None:
    live["grants"] = [g for g in live["grants"] if g["subject"] != client_in(PREMIUM.id)]


def _role_lacks_permission(live: dict[str, Any], _client_in: ClientIn) -> None:
    live["roles"][0]["permissions"] = ["analytics:read"]


def _extra_grant(live: dict[str, Any], client_in: ClientIn) -> None:
    live["grants"].append({"subject": client_in(REPORTING.id), "role": "admin"})


def _license_off(live: dict[str, Any], _client_in: ClientIn) -> None:
    live["licenses"]["analytics"]["enabled"] = False


def _home_division_only(live: dict[str, Any], _client_in: ClientIn) -> None:
    live["grants"] = [{k: v for k, v in grant.items() if k != "division"} for grant in live["grants"]]


_BREAKS: dict[str, Callable[[dict[str, Any], ClientIn], None]] = {
    "no-role": _no_role,
    "no-grant": _no_grant,
    "role-lacks-permission": _role_lacks_permission,
    "extra-grant": _extra_grant,
    "license-off": _license_off,
    "home-division-only": _home_division_only,
}


def _declarations(ids: list[str], api: Api) -> str:
    genesys = api is Api.GENESYS_CLOUD
    document = {
        "homeOrg": HOME,
        "serviceAccounts": [_account(app, genesys) for app in APPS],
        "roles": [{**role, "permissions": from_seed(role["permissions"])} for role in ROLES] if genesys else ROLES,
        "orgs": [
            {
                "id": org,
                "licenses": {"analytics": True},
                "bindings": [_binding(app, genesys) for app in APPS],
            }
            for org in ids
        ],
    }
    return yaml.dump(document, Dumper=_NoAliases, sort_keys=False, width=120)


def _account(app: App, genesys: bool) -> dict[str, Any]:
    account: dict[str, Any] = {"name": app.name, "grantType": "client_credentials"}
    if genesys:
        # No scopes limit a token there, and no org lock exists: a client acts in its own org only.
        return account | {"scopes": []}
    return account | {"scopes": list(app.scopes), "orgLock": "LINKED_ORGS"}


def _binding(app: App, genesys: bool) -> dict[str, Any]:
    binding: dict[str, Any] = {"serviceAccount": app.name, "roles": list(app.roles)}
    if genesys and app is PREMIUM:
        binding["divisions"] = [ALL_DIVISIONS]
    if app.justification:
        binding["justification"] = app.justification
    return binding


class _NoAliases(yaml.SafeDumper):
    # access.yaml refuses anchors and aliases; every org repeats the same binding lists.
    def ignore_aliases(self, data: Any) -> bool:
        return True
