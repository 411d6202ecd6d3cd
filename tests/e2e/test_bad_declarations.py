"""A bad access.yaml stops `pulumi up` before any API write, with one message naming file, line and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import PROJECT_DIR, Stack

pytestmark = pytest.mark.e2e

GOOD = (PROJECT_DIR / "access.yaml").read_text()


def edit(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


PARTNER_B_BINDING = "  - id: org-partner-b\n    licenses: {analytics: true}\n    bindings:\n      - serviceAccount: "

# name -> (declarations text, a fragment the message must contain, the text its line points at)
CASES = {
    "unknown key": (edit("orgLock: LINKED_ORGS", "orgLok: LINKED_ORGS"), "did you mean 'orgLock'", "orgLok"),
    "unknown permission": (
        edit("permissions: [recording:view]", "permissions: [recording:veiw]"),
        "recording:view",
        "recording:veiw",
    ),
    "binding to an undeclared role": (
        edit("roles: [Recording Analyst]\n", "roles: [Recording Analsyt]\n"),
        "did you mean 'Recording Analyst'?",
        "Recording Analsyt",
    ),
    "binding to an undeclared account": (
        edit(PARTNER_B_BINDING + "Premium App", PARTNER_B_BINDING + "Premium Ap"),
        "did you mean 'Premium App'?",
        "Premium Ap\n",
    ),
    "duplicate org id": (edit("  - id: org-partner-b", "  - id: org-partner-a"), "org-partner-a", None),
    "duplicate role name": (
        edit("  - name: Screen Recording Admin", "  - name: Recording Analyst"),
        "Recording Analyst",
        None,
    ),
    "unknown license feature": (
        edit("licenses: {analytics: true}", "licenses: {analytcs: true}"),
        "analytics",
        "analytcs",
    ),
    "wrong type": (edit("scopes: [recording:view]", "scopes: recording:view"), "list", "scopes: recording:view"),
    "invalid YAML": (GOOD + "\n  - id: [unclosed\n", "access.yaml:", None),
    "built-in role name reused": (edit("  - name: Screen Recording Admin", "  - name: admin"), "built", "name: admin"),
    "unknown grant type": (
        edit("grantType: client_credentials", "grantType: client_credential"),
        "client_credentials",
        "client_credential\n",
    ),
    "org the credentials cannot address": (
        edit("  - id: org-partner-d", "  - id: org-partner-z"),
        "cannot be addressed",
        "org-partner-z",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_declarations_stop_up_with_a_located_message_and_no_write(
    case: str, stack: Stack, platform: EmulatorHandle, tmp_path: Path
) -> None:
    text, fragment, located = CASES[case]
    path = tmp_path / "access.yaml"
    path.write_text(text)
    stack.set_config("orgaccess:declarations", str(path))
    before = platform.audit_count()

    result = stack.up()

    assert result.returncode != 0
    # One message per problem; a misspelt key is also a missing one, so find the line that explains it.
    said = [line for error in result.errors for line in error.message.splitlines()]
    messages = [line for line in said if str(path) in line and fragment in line]
    assert messages, said
    message = messages[0]
    if located:
        assert f"{path}:{line_of(text, located)}:" in message, message
    assert "Traceback" not in result.output
    writes = [e for e in platform.audit(since=before) if e.method != "GET" and e.path != "/oauth/token"]
    assert writes == []
