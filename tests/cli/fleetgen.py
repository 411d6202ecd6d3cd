"""A generated fleet of N orgs with varied live access, for export round trips at scale.

Every org draws its own custom roles, grants (built-in roles among them) and license
features, a fifth of them contract-managed, so an export meets every shape access.yaml
has. A role name always carries the same permissions, as one access.yaml requires.
"""

from __future__ import annotations

import random
from typing import Any

HOME = "org-home"
ADMIN = {
    "id": "orgaccess-admin",
    "secret": "s3cret-admin",
    "name": "orgaccess admin",
    "authorizedGrantType": "CLIENT_CREDENTIALS",
    "orgLock": "LINKED_ORGS",
    "scopes": ["security:read", "security:roles:edit", "oauth:clients:edit", "license:features:edit"],
}
APPS = [
    {"id": "premium-app", "secret": "s3cret-app", "name": "Premium App", "scopes": ["recording:view"]},
    {"id": "reporting-app", "secret": "s3cret-rep", "name": "Reporting App", "scopes": ["analytics:read"]},
]
ROLES = {
    "Recording Analyst": ["recording:view"],
    "Screen Recording Admin": ["admin:screen_recordings"],
    "Analytics Reader": ["analytics:read"],
    "Auditor": ["analytics:read", "security:read"],
}
FEATURES = ("analytics", "screen_recording", "speech_analytics")


def generated_fleet(n_orgs: int, seed: int = 0) -> dict[str, Any]:
    """A scenario (the emulator's format) of a home org linked to n_orgs - 1 partners."""
    rng = random.Random(seed)
    ids = [HOME, *(f"org-{i:03d}" for i in range(1, n_orgs))]
    orgs = [_org(org, rng) for org in ids]
    orgs[0]["linked"] = ids[1:]
    orgs[0]["clients"] = [
        ADMIN,
        *({**app, "authorizedGrantType": "CLIENT_CREDENTIALS", "orgLock": "LINKED_ORGS"} for app in APPS),
    ]
    return {"organizations": orgs}


def _org(org: str, rng: random.Random) -> dict[str, Any]:
    roles = rng.sample(sorted(ROLES), rng.randint(1, len(ROLES)))
    grants = [{"subject": ADMIN["id"], "role": "admin"}]
    for app in APPS:
        held = rng.sample([*roles, "employee"], rng.randint(0, 2))
        grants += [{"subject": app["id"], "role": role} for role in held]
    return {
        "id": org,
        "name": org.title(),
        "roles": [{"name": name, "permissions": ROLES[name]} for name in roles],
        "grants": grants,
        "licenses": {f: {"enabled": rng.random() < 0.5, "selfService": rng.random() < 0.8} for f in FEATURES},
    }
