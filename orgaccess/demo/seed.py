"""`make demo`: the partner-org 403 of the README, found and fixed on the embedded emulator.

Each step runs what an operator would run (the real `pulumi` and `orgaccess` commands)
and prints a short account of it; the full outputs are kept under .state/demo/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine.automation import PROJECT_DIR, private_dir, project_stack
from orgaccess.engine.result import Result
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.errors import PlatformError

STATE = PROJECT_DIR / ".state" / "demo"
ADMIN = ("orgaccess-admin", "s3cret-admin")  # the seed-403 scenario's documented credentials
APP = ("premium-app", "s3cret-app")
ORGS = ("org-primary", "org-partner-a", "org-partner-b", "org-partner-c", "org-partner-d")


def main() -> int:
    started = time.monotonic()
    shutil.rmtree(STATE, ignore_errors=True)
    private_dir(STATE)
    with running_emulator("seed-403", db=STATE / "emulator.db") as emulator:
        heading(f"The platform: the orgaccess emulator on seed-403 at {emulator.url}")
        stack = project_stack(
            STATE / "pulumi", api_url=emulator.url, client_id=ADMIN[0], client_secret=ADMIN[1], name="demo"
        )
        env = {
            "ORGACCESS_API_URL": emulator.url,
            "ORGACCESS_CLIENT_ID": ADMIN[0],
            "ORGACCESS_CLIENT_SECRET": ADMIN[1],
            # The app's own secret, for doctor's live probe: orgaccess adopted the account, so
            # the stack never saw it; operators keep it in their secret store.
            "ORGACCESS_APP_CLIENT_SECRET": APP[1],
        }

        heading("1. Premium App calls GET /api/v2/analytics/screenrecordings in each org")
        probe(emulator)
        heading("2. orgaccess doctor: why?")
        orgaccess(env, "doctor")
        heading("3. pulumi preview: the drift, field by field")
        show_drift(keep("preview", stack.preview(diff=False)))
        heading("4. pulumi up: the fix")
        show_up(keep("up", stack.up()))
        heading("5. The same call again")
        probe(emulator)
        heading("6. orgaccess doctor: all pass but the contract-managed org")
        orgaccess(env, "doctor")
        heading("7. pulumi preview --expect-no-changes: only what needs a contract change remains")
        result = keep("preview-after", stack.preview(diff=False, expect_no_changes=True))
        show_drift(result)
        print(f"   exit code {result.returncode} (7 = changes remain)")
    print(f"\nDone in {time.monotonic() - started:.0f} s. Full outputs: {STATE.relative_to(Path.cwd())}/")
    return 0


def heading(text: str) -> None:
    print(f"\n== {text}", flush=True)


def keep(name: str, result: Result, state: Path = STATE) -> Result:
    (state / f"{name}.txt").write_text(result.output)
    return result


def probe(emulator: EmulatorHandle) -> None:
    with PlatformClient(emulator.url, *APP, max_attempts=1) as app:
        for org in ORGS:
            try:
                rows = len(app.list_screen_recordings(org))
                print(f"   {org:15} 200 OK ({rows} recordings)")
            except PlatformError as exc:
                reason = next((e.reason for e in reversed(emulator.audit()) if e.org == org), "")
                print(f"   {org:15} {exc.status} Forbidden   (the emulator's audit knows why: {reason})")


def orgaccess(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "-m", "orgaccess", *args]
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    print(textwrap.indent(done.stdout.rstrip(), "   "))
    if done.stderr.strip():
        print(textwrap.indent(done.stderr.rstrip(), "   "))
    print(f"   exit code {done.returncode}")


def show_drift(result: Result) -> None:
    """Each drifted field, as the plain preview warns of it under its resource, then the summary."""
    for diagnostic in result.diagnostics:
        if diagnostic.severity == "warning" and diagnostic.urn:
            print(f"   {_resource(*diagnostic.urn.rsplit('::', 2)[-2:]):30} {diagnostic.message}")
    show_summary(result)


def show_up(result: Result) -> None:
    # What the providers said they did, object by object (adopted, fixed).
    for diagnostic in result.diagnostics:
        if diagnostic.message.startswith("orgaccess: "):
            print(f"   {diagnostic.message}")
    for urn, message in result.errors_by_urn().items():
        # A message may go on with one line per object that did not converge (`org, Kind name: why`).
        first, *more = message.splitlines()
        print(f"   error: {_resource(*urn.rsplit('::', 2)[-2:])}: {first}")
        for line in more:
            print(f"   {line.strip()}")
    show_summary(result)


def show_summary(result: Result) -> None:
    if result.changes:
        print("   " + " / ".join(f"{n} {op}" for op, n in sorted(result.changes.items())))


def _resource(type_: str, name: str) -> str:
    return f"{type_.rsplit(':', 1)[-1]} {name}"


def _main() -> None:
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        raise SystemExit(130) from None


if __name__ == "__main__":
    _main()
