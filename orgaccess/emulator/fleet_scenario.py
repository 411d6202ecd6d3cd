"""A fleet of N orgs for benchmarks and scale tests: the emulator's state and the access.yaml for it.

    fleet = generate(100, drift_fraction=0.3, seed=0)
    with running_emulator(fleet.scenario) as emu: ...      # live state, drifted
    Path("access.yaml").write_text(fleet.declarations_yaml)  # the declared, converged state

The home org and N-1 partners, two service accounts, three custom roles bound in every org.
A converged org is exactly what access.yaml declares; a drifted org (a seeded choice of
`drift_fraction` of them) differs by one per-org cause of the partner-org 403:

- C3 no-role: the roles do not exist in the org, so nothing is granted;
- C3 no-grant: the roles exist but the app holds none of them;
- C3 role-lacks-permission: `Recording Analyst` exists without `recording:view`;
- C3 extra-grant: the reporting app also holds `admin`, which least privilege revokes;
- C4 license-off: `analytics` is off (self-service, so `pulumi up` fixes it).

C1 (scope) and C2 (org lock) live on the service accounts in the home org, so they are fleet-wide:
with any drift at all, Premium App lacks `recording:view` and is locked to the primary org.
C5 (an org not linked to the home org) is not generated: orgaccess does not manage links, and its
preflight refuses access.yaml that names an unreachable org, so such a fleet cannot be previewed.
No license is contract-managed, so a converged fleet previews with no change at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import yaml

HOME = "org-primary"
ADMIN_ID = "orgaccess-admin"
ADMIN_SECRET = "s3cret-admin"
ADMIN_SCOPES = ["security:read", "security:roles:edit", "oauth:clients:edit", "license:features:edit"]


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


@dataclass(frozen=True)
class Fleet:
    scenario: dict[str, Any]
    declarations_yaml: str
    # Org id -> the cause of its drift, for the drifted orgs only.
    drifted: dict[str, str] = field(default_factory=dict)


def org_ids(n_orgs: int) -> list[str]:
    return [HOME, *(f"org-partner-{i:04d}" for i in range(1, n_orgs))]


def generate(n_orgs: int, drift_fraction: float = 0.3, seed: int = 0) -> Fleet:
    if n_orgs < 1 or not 0.0 <= drift_fraction <= 1.0:
        raise ValueError("need n_orgs >= 1 and 0 <= drift_fraction <= 1")
    ids = org_ids(n_orgs)
    rng = random.Random(seed)
    chosen = sorted(rng.sample(ids, round(drift_fraction * n_orgs)))
    drifted = {org: rng.choice(CAUSES) for org in chosen}
    orgs = [_live_org(org, drifted.get(org)) for org in ids]
    orgs[0]["linked"] = ids[1:]
    orgs[0]["clients"] = _clients(fleet_drifted=bool(drifted))
    return Fleet({"organizations": orgs}, _declarations(ids), drifted)


def _clients(*, fleet_drifted: bool) -> list[dict[str, Any]]:
    admin = {"id": ADMIN_ID, "secret": ADMIN_SECRET, "name": "orgaccess admin", "scopes": ADMIN_SCOPES}
    apps: list[dict[str, Any]] = [
        {"id": app.id, "secret": f"s3cret-{app.id}", "name": app.name, "scopes": list(app.scopes)} for app in APPS
    ]
    if fleet_drifted:
        apps[0] |= {"scopes": [], "orgLock": "PRIMARY_ONLY"}  # C1 and C2
    return [admin, *apps]


def _live_org(org: str, cause: str | None) -> dict[str, Any]:
    roles = [dict(role) for role in ROLES]
    grants = _granted()
    analytics = True
    if cause == "no-role":
        roles, grants = [], grants[:1]
    elif cause == "no-grant":
        grants = [g for g in grants if g["subject"] != PREMIUM.id]
    elif cause == "role-lacks-permission":
        roles[0]["permissions"] = ["analytics:read"]
    elif cause == "extra-grant":
        grants.append({"subject": REPORTING.id, "role": "admin"})
    elif cause == "license-off":
        analytics = False
    return {
        "id": org,
        "name": org.removeprefix("org-").replace("-", " ").title(),
        "licenses": {"analytics": {"enabled": analytics, "selfService": True}},
        "roles": roles,
        "grants": grants,
    }


def _granted() -> list[dict[str, str]]:
    """The grants of an org as declared: the orgaccess admin's, and each app's roles."""
    grants = [{"subject": ADMIN_ID, "role": "admin"}]
    return grants + [{"subject": app.id, "role": role} for app in APPS for role in app.roles]


def _declarations(ids: list[str]) -> str:
    document = {
        "homeOrg": HOME,
        "serviceAccounts": [
            {
                "name": app.name,
                "grantType": "client_credentials",
                "scopes": list(app.scopes),
                "orgLock": "LINKED_ORGS",
            }
            for app in APPS
        ],
        "roles": ROLES,
        "orgs": [
            {
                "id": org,
                "licenses": {"analytics": True},
                "bindings": [_binding(app) for app in APPS],
            }
            for org in ids
        ],
    }
    return yaml.dump(document, Dumper=_NoAliases, sort_keys=False, width=120)


def _binding(app: App) -> dict[str, Any]:
    binding: dict[str, Any] = {"serviceAccount": app.name, "roles": list(app.roles)}
    if app.justification:
        binding["justification"] = app.justification
    return binding


class _NoAliases(yaml.SafeDumper):
    # access.yaml refuses anchors and aliases; every org repeats the same binding lists.
    def ignore_aliases(self, data: Any) -> bool:
        return True
