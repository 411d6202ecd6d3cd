"""`make demo-fleet`: a drifted fleet of orgs split over stacks on a PostgreSQL backend, converged.

Runs the real `orgaccess fleet` commands, as an operator or a CI runner would, against the
emulator serving a generated fleet (orgaccess/emulator/fleet_scenario.py) and a throwaway PostgreSQL cluster on
127.0.0.1; both are stopped at the end. Run from the checkout (the generator lives in bench/).
Stacks' project copies and logs stay in .state/fleet-demo.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from orgaccess.demo.postgres import running_postgres
from orgaccess.emulator.fleet_scenario import ADMIN_ID, ADMIN_SECRET, generate
from orgaccess.emulator.harness import running_emulator
from orgaccess.engine.automation import LOCAL_PASSPHRASE, PROJECT_DIR, private_dir

STATE = PROJECT_DIR / ".state" / "fleet-demo"
ORGS, STACKS = 40, 4
UNTHROTTLED = 10**9


def main() -> int:
    shutil.rmtree(STATE, ignore_errors=True)
    private_dir(STATE)
    fleet = generate(ORGS, drift_fraction=0.3, seed=0)
    declarations = STATE / "access.yaml"
    declarations.write_text(fleet.declarations_yaml)
    print(f"==> {ORGS} orgs ({len(fleet.drifted)} drifted) in {STACKS} org stacks and one accounts stack", flush=True)
    with running_postgres() as backend_url, running_emulator(fleet.scenario) as emulator:
        emulator.set_faults(rateLimitPerMinute=UNTHROTTLED)
        print(f"==> state backend: PostgreSQL on {backend_url.split('@')[1].split('/')[0]}; platform: {emulator.url}")
        env = {
            **os.environ,
            "PULUMI_BACKEND_URL": backend_url,
            "PULUMI_CONFIG_PASSPHRASE": os.environ.get("PULUMI_CONFIG_PASSPHRASE", LOCAL_PASSPHRASE),
            "ORGACCESS_API_URL": emulator.url,
            "ORGACCESS_CLIENT_ID": ADMIN_ID,
            "ORGACCESS_CLIENT_SECRET": ADMIN_SECRET,
        }
        common = ["--declarations", str(declarations), "--stacks", str(STACKS), "--work-dir", str(STATE / "stacks")]
        steps = [("drift", "the drift, per stack (exit 2)", 2), ("up", "converge", 0), ("drift", "nothing left", 0)]
        for command, what, expected in steps:
            print(f"\n==> orgaccess fleet {command}: {what}", flush=True)
            done = subprocess.run([sys.executable, "-m", "orgaccess", "fleet", command, *common], env=env, check=False)
            if done.returncode != expected:
                print(f"demo-fleet: `orgaccess fleet {command}` exited {done.returncode}, not {expected}")
                return 1
    print("\n==> done: PostgreSQL and the emulator are stopped; stack logs are in .state/fleet-demo/stacks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
