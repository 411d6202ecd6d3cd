"""Calling the emulator's platform API as a test would by hand: one token, one org header."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.models import ORG_HEADER

HOME = "org-primary"
PARTNERS = ("org-partner-a", "org-partner-b", "org-partner-c", "org-partner-d")
RECORDINGS = "/api/v2/analytics/screenrecordings"
ROLES = "/api/v2/security/roles"
CLIENTS = "/api/v2/oauth/clients"
FORBIDDEN = {
    "status": 403,
    "code": "forbidden",
    "message": "You are not authorized to perform the requested action.",
}


@dataclass
class Caller:
    """Calls the platform API with one token; `org=None` leaves the org header out."""

    url: str
    token: str

    def __call__(self, method: str, path: str, org: str | None = HOME, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        if org is not None:
            headers[ORG_HEADER] = org
        return httpx.request(method, self.url + path, headers=headers, timeout=10, **kwargs)


def last_reason(emulator: EmulatorHandle) -> str | None:
    return emulator.audit()[-1].reason


def role_id(caller: Caller, name: str, org: str = HOME) -> str:
    entities = caller("GET", ROLES, org=org, params={"name": name}).json()["entities"]
    return str(entities[0]["id"])


def without_context(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("contextId"), "every error carries a contextId"
    return {key: value for key, value in body.items() if key != "contextId"}


def healthy_scenario(
    *,
    scopes: tuple[str, ...] = ("recording:view",),
    org_lock: str = "LINKED_ORGS",
    partner_permissions: tuple[str, ...] = ("recording:view",),
    granted: bool = True,
    analytics: bool = True,
) -> dict[str, Any]:
    """`app` of org-home reads recordings in its linked org-partner; each argument can break one cause.

    org-stranger exists but is linked to nobody (C5).
    """
    admin = {"subject": "admin", "role": "admin"}
    return {
        "organizations": [
            {
                "id": "org-home",
                "name": "Home",
                "linked": ["org-partner"],
                "licenses": {"analytics": {"enabled": True}},
                "roles": [{"name": "Viewer", "permissions": ["recording:view"]}],
                "clients": [
                    {"id": "admin", "secret": "admin-secret", "name": "admin", "scopes": []},
                    {
                        "id": "app",
                        "secret": "app-secret",
                        "name": "App",
                        "scopes": list(scopes),
                        "orgLock": org_lock,
                    },
                ],
                "grants": [admin, {"subject": "app", "role": "Viewer"}],
                "screenRecordings": 2,
            },
            {
                "id": "org-partner",
                "name": "Partner",
                "linked": ["org-home"],
                "licenses": {"analytics": {"enabled": analytics}},
                "roles": [{"name": "Viewer", "permissions": list(partner_permissions)}],
                "grants": [admin, *([{"subject": "app", "role": "Viewer"}] if granted else [])],
                "screenRecordings": 3,
            },
            {"id": "org-stranger", "name": "Stranger", "screenRecordings": 1},
        ]
    }


def caller_for(emulator: EmulatorHandle, client_id: str, secret: str, scope: str | None = None) -> Caller:
    return Caller(emulator.url, emulator.token(client_id, secret, scope))
