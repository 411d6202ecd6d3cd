"""Starting, stopping and restarting the emulator; scenarios and their error messages."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from orgaccess.emulator.harness import EmulatorError, EmulatorHandle, running_emulator
from orgaccess.emulator.scenario import ScenarioError, parse_scenario, read_scenario
from tests.emulator.emulator_api import HOME, ROLES, Caller, healthy_scenario

BAD_GRANT = """\
organizations:
  - id: org-primary
    name: Primary
    linked: [org-partner-a]
  - id: org-partner-a
    name: Partner A
    grants:
      - {subject: nobody, role: X}
"""


def start_cli(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "orgaccess", "emulator", "--port", "0", *args]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_sigint_as_in_a_terminal
    )


def _sigint_as_in_a_terminal() -> None:
    # A test run started as a shell's background job passes SIGINT on ignored: the emulator still shuts
    # down, but its exit by the re-raised signal is then ignored too (exit 0). The spec is of the
    # emulator started from a terminal.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_state_survives_a_restart_on_the_same_database(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    with running_emulator("seed-403", db=db) as first:
        token = first.token("orgaccess-admin", "s3cret-admin")
        assert Caller(first.url, token)("POST", ROLES, json={"name": "Kept", "permissions": []}).status_code == 201
    with running_emulator(scenario=None, db=db) as second:
        names = [r["name"] for r in Caller(second.url, token)("GET", ROLES).json()["entities"]]
        assert "Kept" in names  # the token survived too


def test_explicit_scenario_replaces_the_database_state(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    with running_emulator("seed-403", db=db) as first:
        admin = Caller(first.url, first.token("orgaccess-admin", "s3cret-admin"))
        admin("POST", ROLES, json={"name": "Gone", "permissions": []})
    with running_emulator("seed-403", db=db) as second:
        admin = Caller(second.url, second.token("orgaccess-admin", "s3cret-admin"))
        assert admin("GET", ROLES, params={"name": "Gone"}).json()["total"] == 0


@pytest.mark.parametrize(("stop", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, -signal.SIGTERM)])
def test_cli_prints_its_url_and_stops_cleanly_on_a_signal(stop: signal.Signals, exit_code: int) -> None:
    process = start_cli()
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("orgaccess emulator listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1].strip()
        assert httpx.get(f"{url}/openapi.json").status_code == 200
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=10)
        # Shut down gracefully, then exit by the signal, as a well-behaved Unix server does.
        assert (process.returncode, stderr) == (exit_code, "")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_cli_reports_a_bad_scenario_in_one_line_naming_file_and_path(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(BAD_GRANT)
    process = start_cli("--scenario", str(path))
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 2
    assert stderr.strip().splitlines() == [
        "orgaccess emulator: scenario.yaml: "
        "organizations[1].grants[0].role: role 'X' is not defined in org 'org-partner-a'; "
        "scenario.yaml: organizations[1].grants[0].subject: unknown service account 'nobody'"
    ]


def test_cli_reports_a_busy_port_in_one_line(emulator: EmulatorHandle) -> None:
    port = emulator.url.rsplit(":", 1)[1]
    process = subprocess.run(
        [sys.executable, "-m", "orgaccess", "emulator", "--port", port],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert process.returncode == 2
    assert process.stderr.startswith(f"orgaccess emulator: cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in process.stderr


def test_harness_raises_when_the_emulator_cannot_start() -> None:
    with pytest.raises(EmulatorError, match="no such file or built-in scenario"), running_emulator("no-such-scenario"):
        pass


def test_scenario_schema_errors_name_the_path_inside_the_document(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"organizations": [{"id": "a", "name": "A", "screenRecordings": -1, "colour": 1}]}')
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(*read_scenario(path))
    assert caught.value.problems == [
        "organizations[0].screenRecordings: Input should be greater than or equal to 0",
        "organizations[0].colour: Extra inputs are not permitted",
    ]


def test_scenario_yaml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("organizations:\n  - id: [unclosed\n")
    with pytest.raises(ScenarioError, match=r"^broken\.yaml: .*line 3"):
        read_scenario(path)


def test_loading_a_bad_scenario_over_http_is_400_and_keeps_the_state(emulator: EmulatorHandle, admin: Caller) -> None:
    scenario = healthy_scenario()
    scenario["organizations"][0]["grants"].append({"subject": "app", "role": "Missing"})
    with pytest.raises(EmulatorError, match=r"body\.organizations\[0\]\.grants\[2\]\.role"):
        emulator.load_scenario(scenario)
    assert admin("GET", "/api/v2/organizations/me").json()["id"] == HOME


def test_loading_500_orgs_is_fast(emulator: EmulatorHandle) -> None:
    orgs = [
        {
            "id": f"org-{n}",
            "name": f"Org {n}",
            "linked": ["org-0"] if n else [],
            "licenses": {"analytics": {"enabled": True}},
            "roles": [{"name": "Viewer", "permissions": ["recording:view"]}],
            "clients": [{"id": "admin", "secret": "s", "name": "admin"}] if n == 0 else [],
            "grants": [{"subject": "admin", "role": "admin"}, {"subject": "admin", "role": "Viewer"}],
            "screenRecordings": 5,
        }
        for n in range(500)
    ]
    started = time.monotonic()
    emulator.load_scenario({"organizations": orgs})
    assert time.monotonic() - started < 5
    admin = Caller(emulator.url, emulator.token("admin", "s"))
    assert admin("GET", ROLES, org="org-499").json()["total"] == 3
