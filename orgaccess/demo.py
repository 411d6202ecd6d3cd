"""`make demo`: the partner-org 403 of the README, found and fixed on the embedded emulator.

Each step runs what an operator would run (the real `pulumi` and `orgaccess` commands)
and prints a short account of it; the full outputs are kept under .state/demo/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine import PROJECT_DIR, Result, private_dir, project_stack
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
        show_drift(keep("preview", stack.preview()))
        heading("4. pulumi up: the fix")
        show_up(keep("up", stack.up()))
        heading("5. The same call again")
        probe(emulator)
        heading("6. orgaccess doctor: all pass but the contract-managed org")
        orgaccess(env, "doctor")
        heading("7. pulumi preview --expect-no-changes: only what needs a contract change remains")
        result = keep("preview-after", stack.preview("--expect-no-changes"))
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
    print(re.sub(r"^", "   ", done.stdout.rstrip(), flags=re.M))
    if done.stderr.strip():
        print(re.sub(r"^", "   ", done.stderr.rstrip(), flags=re.M))
    print(f"   exit code {done.returncode}")


def show_drift(result: Result) -> None:
    current = ""
    for line in result.stdout.splitlines():
        urn = re.search(r"\[urn=.*dynamic/orgaccess:(\w+)::(.+)\]", line)
        if urn:
            current = f"{urn.group(1)} {urn.group(2)}"
        item = re.match(r'\s+[~+]?\s*\[\d+\]: "(.*)"$', line)
        if item and current and ("live" in item.group(1) or "missing" in item.group(1)):
            print(f"   {current:48} {item.group(1).split(' => ')[-1].strip(chr(34))}")
    summary = re.search(r"Resources:\n((?:\s+.*\n?)+)", result.stdout)
    if summary:
        print("   " + " / ".join(s.strip() for s in summary.group(1).splitlines() if s.strip()))


def show_up(result: Result) -> None:
    for line in result.stdout.splitlines():
        failed_object = re.match(r"\s+[\w-]+, \w+ [^:]+: ", line)  # `org, Kind name: why`, under the error
        if failed_object or ("error: orgaccess" in line and not re.search(r"\*\*|creating|updating", line)):
            print(f"   {line.strip()}")
    summary = re.search(r"Resources:\n((?:\s+.*\n?)+)", result.stdout)
    if summary:
        print("   " + " / ".join(s.strip() for s in summary.group(1).splitlines() if s.strip()))


def _main() -> None:
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        raise SystemExit(130) from None


if __name__ == "__main__":
    _main()
