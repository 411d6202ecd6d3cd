"""The baseline: an operator's checklist for the partner-org 403, scripted one call at a time.

    python -m bench.naive access.yaml      # credentials and URL as for orgaccess (env)

For each declared org, in order: the org answers, each declared role exists with its
permissions, each declared account holds exactly its roles, the licenses are as declared, each
account's client has its scopes and org lock. One request per check, no cache, no concurrency:
what a careful script written against the runbook does. It honours 429 like any client must.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from orgaccess import dialects
from orgaccess.declarations.access_yaml import Declarations, OrgDecl, load_declarations
from orgaccess.dialects import SEED
from orgaccess.platform.models import ORG_HEADER

MAX_ATTEMPTS = 10
MAX_WAIT_SECONDS = 60.0


class Checklist:
    def __init__(self, http: httpx.Client, token: str) -> None:
        self.http = http
        self.token = token
        self.calls = 0
        self.waits = 0

    def get(self, org: str, path: str, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", ORG_HEADER: org}
        for _ in range(MAX_ATTEMPTS):
            self.calls += 1
            answer = self.http.get(path, headers=headers, params=params)
            if answer.status_code != 429:
                answer.raise_for_status()
                return answer.json()
            self.waits += 1
            time.sleep(min(float(answer.headers.get("retry-after", "1")), MAX_WAIT_SECONDS))
        raise RuntimeError(f"GET {path} in {org}: still rate limited after {MAX_ATTEMPTS} attempts")

    def findings(self, decls: Declarations) -> list[str]:
        home = decls.homeOrg
        clients = {c["name"]: c for c in self.get(home, "/api/v2/oauth/clients", pageSize=100)["entities"]}
        found: list[str] = []
        for org in decls.orgs:
            self.get(org.id, "/api/v2/organizations/me")
            found += self._roles(decls, org)
            found += self._grants(org, clients)
            found += self._licenses(org)
            found += self._clients(decls, org, clients)
        return found

    def _roles(self, decls: Declarations, org: OrgDecl) -> list[str]:
        found = []
        for role in decls.roles_bound_in(org.id):
            live = self.get(org.id, "/api/v2/security/roles", name=role.name)["entities"]
            if not live or set(live[0]["permissions"]) != set(role.permissions):
                found.append(f"{org.id}: role {role.name}")
        return found

    def _grants(self, org: OrgDecl, clients: dict[str, Any]) -> list[str]:
        found = []
        for binding in org.bindings:
            client = clients.get(binding.serviceAccount)
            if client is None:
                found.append(f"{org.id}: no account {binding.serviceAccount}")
                continue
            path = f"/api/v2/security/subjects/{client['id']}/roles"
            granted = {r["name"] for r in self.get(org.id, path, pageSize=100)["entities"]}
            if granted != set(binding.roles):
                found.append(f"{org.id}: grants of {binding.serviceAccount}")
        return found

    def _licenses(self, org: OrgDecl) -> list[str]:
        features = {f["name"]: f["enabled"] for f in self.get(org.id, "/api/v2/license/features")["entities"]}
        return [f"{org.id}: license {name}" for name, on in org.licenses.items() if features.get(name) != on]

    def _clients(self, decls: Declarations, org: OrgDecl, clients: dict[str, Any]) -> list[str]:
        found = []
        for account in decls.serviceAccounts:
            client = clients.get(account.name)
            if client is None:
                continue
            live = self.get(decls.homeOrg, f"/api/v2/oauth/clients/{client['id']}")
            if set(live["scopes"]) != set(account.scopes) or live["orgLock"] != account.orgLock:
                found.append(f"{org.id}: client {account.name}")
        return found


def main(argv: list[str]) -> int:
    decls = load_declarations(Path(argv[0]), SEED)
    config = dialects.resolve()
    with httpx.Client(base_url=config.api_url, timeout=30.0) as http:
        form = {"grant_type": "client_credentials"}
        auth = (config.client_id, config.client_secret.get_secret_value())
        token = http.post("/oauth/token", data=form, auth=auth).raise_for_status().json()["access_token"]
        checklist = Checklist(http, token)
        found = checklist.findings(decls)
    print(json.dumps({"findings": len(found), "calls": checklist.calls, "rateLimitedWaits": checklist.waits}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
