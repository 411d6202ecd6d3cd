"""What the genesys-cloud end-to-end tests share: a stack on that platform, the app's call per org."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import SecretStr

from orgaccess.demo.genesys import ADMINS, DECLARATIONS
from orgaccess.emulator.api import Api
from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine.automation import Stack, project_copy
from orgaccess.platform.errors import PlatformError
from orgaccess.platform.genesys.client import GenesysClient


def genesys_stack(backend_dir: Path, api_url: str, admins: dict[str, tuple[str, str]], declarations: Path) -> Stack:
    """The orgaccess program's stack on genesys-cloud, one admin credential per org (a secret)."""
    stack = Stack(project_copy(backend_dir / "project"), backend_dir).init()
    stack.set_config("orgaccess:platform", "genesys-cloud")
    stack.set_config("orgaccess:apiUrl", api_url)
    credentials = {org: {"clientId": cid, "clientSecret": secret} for org, (cid, secret) in admins.items()}
    stack.set_config("orgaccess:orgCredentials", json.dumps(credentials), secret=True)
    stack.set_config("orgaccess:declarations", str(declarations))
    return stack


def genesys_403() -> Iterator[EmulatorHandle]:
    """The emulator on the genesys-403 scenario, for a module's `platform` fixture."""
    with running_emulator("genesys-403", dialect=Api.GENESYS_CLOUD) as handle:
        yield handle


def genesys_403_stack(backend_dir: Path, api_url: str) -> Stack:
    """The stack of examples/genesys-cloud/access.yaml on the genesys-403 scenario, with its admin clients."""
    admins = {org: (cred["clientId"], cred["clientSecret"]) for org, cred in ADMINS.items()}
    return genesys_stack(backend_dir, api_url, admins, DECLARATIONS)


def app_status(api_url: str, org: str, client_id: str, secret: str) -> int:
    """The HTTP status of the app's call in `org`, made with that org's own app client."""
    with GenesysClient(api_url, {org: (client_id, SecretStr(secret))}, max_attempts=1) as app:
        try:
            app.screen_sessions(org)
        except PlatformError as exc:
            return exc.status or 0
    return 200
