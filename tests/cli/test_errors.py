"""Errors are one line on stderr, `orgaccess: error: ...`, exit 1, never a traceback; secrets never show."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from orgaccess.emulator.harness import EmulatorHandle
from tests.cli.support import ADMIN_SECRET, APP_SECRET, Cli

COMMANDS = (("drift",), ("doctor",), ("export", "--org", "org-primary"))


def one_error_line(run_stderr: str) -> str:
    (line,) = run_stderr.splitlines()
    assert line.startswith("orgaccess: error: ")
    assert "Traceback" not in line
    return line


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_bad_credentials_are_one_line_naming_the_client(cli: Cli, command: tuple[str, ...]) -> None:
    run = cli(*command, ORGACCESS_CLIENT_SECRET="wrong")

    assert run.code == 1 and run.stdout == ""
    assert "invalid client credentials for client 'orgaccess-admin'" in one_error_line(run.stderr)


def test_an_unreachable_platform_is_one_line_that_points_at_the_url(cli: Cli) -> None:
    run = cli("drift", "--api-url", f"http://127.0.0.1:{closed_port()}")

    assert run.code == 1
    assert "check that the platform is up at --api-url" in one_error_line(run.stderr)


def test_missing_credentials_name_the_flag_and_the_env_variable(tmp_path: Path) -> None:
    run = Cli("http://127.0.0.1:9", tmp_path)("export", "--org", "org-primary")

    assert run.code == 1
    assert one_error_line(run.stderr) == (
        "orgaccess: error: orgaccess has no credentials for the platform; set --client-id or env "
        "ORGACCESS_CLIENT_ID and --client-secret-file or env ORGACCESS_CLIENT_SECRET"
    )


def test_bad_declarations_stop_before_any_call_with_file_line_and_fix(cli: Cli, emulator: EmulatorHandle) -> None:
    (cli.cwd / "access.yaml").write_text("homeOrg: org-primary\nserviceAccount: []\nroles: []\norgs: []\n")
    calls_before = emulator.audit_count()

    for command in ("drift", "doctor"):
        run = cli(command)
        assert run.code == 1 and run.stdout == ""
        lines = run.stderr.splitlines()
        assert lines == [
            "orgaccess: error: access.yaml:1: missing required key 'serviceAccounts' in the top level; "
            "add it, like `serviceAccounts: [...]`",
            "orgaccess: error: access.yaml:2: unknown key 'serviceAccount' in the top level; "
            "did you mean 'serviceAccounts'?",
        ]
    assert emulator.audit_count() == calls_before


def test_a_missing_declarations_file_is_one_line(cli: Cli) -> None:
    run = cli("drift", "--declarations", "nowhere.yaml")

    assert run.code == 1
    assert one_error_line(run.stderr).startswith("orgaccess: error: nowhere.yaml: no such file")


def test_the_client_secret_has_no_flag_so_it_never_shows_in_ps_or_history(cli: Cli) -> None:
    run = cli("drift", "--client-secret", ADMIN_SECRET)

    assert run.code == 2  # a usage error, from the parser
    assert "No such option: --client-secret" in run.stderr


def test_a_secret_file_replaces_the_env_variable(cli: Cli) -> None:
    (cli.cwd / "secret").write_text(ADMIN_SECRET + "\n")

    run = cli("drift", "--client-secret-file", "secret", ORGACCESS_CLIENT_SECRET="")

    assert run.code == 2, run.stderr


def test_no_output_of_any_command_carries_a_secret(cli: Cli) -> None:
    (cli.cwd / "secret").write_text(ADMIN_SECRET)
    from_file = ("--client-secret-file", "secret")
    runs = [
        cli("drift", "--format", "json", *from_file),
        cli("doctor", "--format", "json", *from_file),
        cli("export", "--org", "org-primary", *from_file),
        cli("drift", ORGACCESS_CLIENT_SECRET="wrong-admin-secret"),
        cli("doctor", ORGACCESS_APP_CLIENT_SECRET="wrong-app-secret"),
    ]

    assert [run.code for run in runs] == [2, 1, 0, 1, 1]
    for run in runs:
        for secret in (ADMIN_SECRET, APP_SECRET, "wrong-admin-secret", "wrong-app-secret"):
            assert secret not in run.stdout + run.stderr
