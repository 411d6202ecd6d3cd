"""`orgaccess drift --processes N`: a fleet read in N processes says what one process says."""

from __future__ import annotations

import json
import re
from collections import Counter

from orgaccess.demo.genesys import ADMINS
from orgaccess.emulator.harness import EmulatorHandle
from tests.cli.support import Cli, without_admin_in


def _in(cli: Cli, processes: int, *args: str) -> tuple[int, str, str]:
    run = cli("drift", *args, "--processes", str(processes))
    return run.code, run.stdout, run.stderr


def test_the_json_report_read_in_three_processes_is_the_one_process_report(cli: Cli) -> None:
    alone = _in(cli, 1, "--format", "json")

    assert alone[0] == 2, alone[2]
    assert _in(cli, 3, "--format", "json") == alone


def test_the_text_report_read_in_processes_is_the_one_process_report(cli: Cli) -> None:
    assert _in(cli, 2) == _in(cli, 1)


def test_the_page_read_in_processes_is_the_one_process_page(cli: Cli) -> None:
    def page(processes: int) -> str:
        code, _, stderr = _in(cli, processes, "--format", "html", "--output", f"page-{processes}.html")
        assert code == 2, stderr
        # The page names the time it was made.
        return re.sub(
            r"\d{4}-\d\d-\d\d[ T][\d:.]+(\+00:00| UTC)?", "<time>", (cli.cwd / f"page-{processes}.html").read_text()
        )

    assert page(3) == page(1)


def test_genesys_cloud_read_in_processes_is_the_one_process_report(genesys_cli: Cli) -> None:
    alone = _in(genesys_cli, 1, "--platform", "genesys-cloud", "--format", "json")

    assert alone[0] == 2, alone[2]
    assert _in(genesys_cli, 3, "--platform", "genesys-cloud", "--format", "json") == alone


def test_genesys_cloud_read_in_processes_logs_in_to_each_org_once(genesys_cli: Cli, genesys: EmulatorHandle) -> None:
    # Each org is logged in to by the process that reads it, which checks there where its credentials act.
    since = genesys.audit_count()

    assert _in(genesys_cli, 3, "--platform", "genesys-cloud", "--format", "json")[0] == 2
    logins = Counter(entry.client for entry in genesys.audit(since) if entry.path == "/oauth/token")
    assert logins and set(logins.values()) == {1}, logins


def test_genesys_cloud_credentials_acting_in_another_org_stop_it_as_they_stop_one_process(genesys_cli: Cli) -> None:
    admins = {**ADMINS, "org-partner-b": ADMINS["org-partner-c"]}

    def refused(processes: int) -> tuple[int, str, str]:
        run = genesys_cli(
            "drift",
            "--platform",
            "genesys-cloud",
            "--processes",
            str(processes),
            ORGACCESS_ORG_CREDENTIALS=json.dumps(admins),
        )
        return run.code, run.stdout, run.stderr

    alone = refused(1)

    lines = (genesys_cli.cwd / "access.yaml").read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.endswith("id: org-partner-b"))
    expected = f"access.yaml:{line}: the credentials given for org 'org-partner-b' act in org 'org-partner-c'"
    assert alone[0] == 1 and expected in alone[2], alone
    assert refused(3) == alone


def test_an_org_that_cannot_be_read_fails_with_the_one_process_message(cli: Cli, emulator: EmulatorHandle) -> None:
    def failure(processes: int) -> tuple[int, str, str]:
        code, stdout, stderr = _in(cli, processes, "--format", "json")
        # Each answer has a context id of its own.
        return code, stdout, re.sub(r"contextId [0-9a-f-]+", "contextId <id>", stderr)

    emulator.load_scenario(without_admin_in("org-partner-c"))
    alone = failure(1)

    assert alone[0] == 1 and "orgaccess: error: 403 Forbidden in org 'org-partner-c'" in alone[2], alone
    assert failure(3) == alone


def test_zero_processes_is_refused_before_anything_is_read(cli: Cli) -> None:
    run = cli("drift", "--processes", "0")

    assert run.code == 2
    assert "--processes" in run.stderr and run.stdout == ""
