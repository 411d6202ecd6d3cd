"""`make demo-genesys`: the partner-org 403 on the genesys-cloud dialect, found and fixed.

As `make demo` does on the seed platform, with what differs on Genesys Cloud: the app is one OAuth
client per org (each calls with its own credentials), orgaccess holds one admin client per org
(stack config `orgaccess:orgCredentials`, a secret), and the declarations are
examples/genesys-cloud/access.yaml. Full outputs are kept under .state/demo-genesys/.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from pydantic import SecretStr

from orgaccess.demo.seed import heading, keep, orgaccess, show_drift, show_up
from orgaccess.emulator.api import Api
from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine.automation import PROJECT_DIR, Stack, private_dir, project_copy
from orgaccess.platform.errors import PlatformError
from orgaccess.platform.genesys.client import GenesysClient

STATE = PROJECT_DIR / ".state" / "demo-genesys"
DECLARATIONS = PROJECT_DIR / "examples" / "genesys-cloud" / "access.yaml"
# The genesys-403 scenario's documented credentials: an admin and an app client in every org.
ORGS = {
    "org-primary": "primary",
    "org-partner-a": "a",
    "org-partner-b": "b",
    "org-partner-c": "c",
    "org-partner-d": "d",
    "org-partner-e": "e",
}
ADMINS = {org: {"clientId": f"orgaccess-admin-{n}", "clientSecret": f"s3cret-admin-{n}"} for org, n in ORGS.items()}
# Each org's app secret, for doctor's live probe: orgaccess adopts these clients, so the stack never
# sees their secrets; operators keep them in their secret store.
APP_SECRETS = {"Premium App": {org: f"s3cret-app-{n}" for org, n in ORGS.items()}}


def main() -> int:
    started = time.monotonic()
    shutil.rmtree(STATE, ignore_errors=True)
    private_dir(STATE)
    with running_emulator("genesys-403", db=STATE / "emulator.db", dialect=Api.GENESYS_CLOUD) as emulator:
        heading(f"The platform: the orgaccess emulator, genesys-cloud dialect, on genesys-403 at {emulator.url}")
        stack = _stack(emulator.url)
        env = {
            "ORGACCESS_PLATFORM": Api.GENESYS_CLOUD.value,
            "ORGACCESS_API_URL": emulator.url,
            "ORGACCESS_ORG_CREDENTIALS": json.dumps(ADMINS),
            "ORGACCESS_APP_CLIENT_SECRETS": json.dumps(APP_SECRETS),
        }
        heading("1. Each org's Premium App client calls GET /api/v2/recordings/screensessions/details")
        probe(emulator)
        heading("2. orgaccess doctor: why? (C1, C2 and C6 do not exist on Genesys Cloud)")
        orgaccess(env, "doctor", "--declarations", str(DECLARATIONS))
        heading("3. pulumi preview: the drift, field by field")
        show_drift(keep("preview", stack.preview(diff=False), STATE))
        heading("4. pulumi up: the fix")
        show_up(keep("up", stack.up(), STATE))
        heading("5. The same call again, each org with its own client")
        probe(emulator)
        heading("6. orgaccess doctor: all pass but the contract-managed org")
        orgaccess(env, "doctor", "--declarations", str(DECLARATIONS))
        heading("7. pulumi preview --expect-no-changes: only what needs a contract change remains")
        result = keep("preview-after", stack.preview(diff=False, expect_no_changes=True), STATE)
        show_drift(result)
        print(f"   exit code {result.returncode} (7 = changes remain)")
    print(f"\nDone in {time.monotonic() - started:.0f} s. Full outputs: {STATE.relative_to(Path.cwd())}/")
    return 0


def _stack(api_url: str) -> Stack:
    stack = Stack(project_copy(STATE / "pulumi" / "project"), STATE / "pulumi", name="demo").init()
    stack.set_config("orgaccess:platform", Api.GENESYS_CLOUD.value)
    stack.set_config("orgaccess:apiUrl", api_url)
    stack.set_config("orgaccess:orgCredentials", json.dumps(ADMINS), secret=True)
    stack.set_config("orgaccess:declarations", str(DECLARATIONS))
    return stack


def probe(emulator: EmulatorHandle) -> None:
    for org, n in ORGS.items():
        with GenesysClient(
            emulator.url, {org: (f"premium-app-{n}", SecretStr(f"s3cret-app-{n}"))}, max_attempts=1
        ) as app:
            try:
                sessions = app.screen_sessions(org)
                print(f"   {org:15} 200 OK ({sessions} screen recordings), as premium-app-{n}")
            except PlatformError as exc:
                reason = next((e.reason for e in reversed(emulator.audit()) if e.org == org), "")
                print(
                    f"   {org:15} {exc.status} Forbidden as premium-app-{n} (the emulator's audit knows why: {reason})"
                )


if __name__ == "__main__":
    raise SystemExit(main())
