"""`orgaccess drift --format json` and `pulumi preview --json` give the same drift records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.client import PlatformClient
from tests.cli.fleetgen import generated_fleet
from tests.cli.support import ADMIN_ID, ADMIN_SECRET, Cli, admin_stack

pytestmark = pytest.mark.e2e


def _key(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True)


def test_the_preview_json_and_the_drift_report_agree_record_for_record_on_a_drifted_fleet(
    emulator: EmulatorHandle, tmp_path: Path
) -> None:
    fleet = generated_fleet(12, seed=3)
    emulator.load_scenario(fleet)
    orgs = [org["id"] for org in fleet["organizations"]]
    cli = Cli(emulator.url, tmp_path, {"ORGACCESS_API_URL": emulator.url, "ORGACCESS_CLIENT_ID": ADMIN_ID})
    (tmp_path / "admin.secret").write_text(ADMIN_SECRET + "\n")
    flags = [flag for org in orgs for flag in ("--org", org)]
    exported = cli("export", *flags, "--client-secret-file", "admin.secret", "-o", "access.yaml")
    assert exported.code == 0, exported.stderr
    # Out of band, every third org's self-service licenses flip: the declarations no longer hold.
    with PlatformClient(emulator.url, ADMIN_ID, ADMIN_SECRET) as admin:
        for org in fleet["organizations"][1::3]:
            for feature, license_ in org["licenses"].items():
                if license_["selfService"]:
                    admin.set_license_feature(org["id"], feature, not license_["enabled"])

    report = cli("drift", "-d", "access.yaml", "--client-secret-file", "admin.secret", "--format", "json")
    stack = admin_stack(tmp_path / "backend", emulator.url, tmp_path / "access.yaml")
    preview = json.loads(stack.cli("preview", "--json").stdout)

    reported = json.loads(report.stdout)
    previewed = [
        r for step in preview["steps"] for r in (step.get("newState") or {}).get("inputs", {}).get("drift", [])
    ]
    assert report.code == 2 and reported
    assert sorted(map(_key, previewed)) == sorted(map(_key, reported))
