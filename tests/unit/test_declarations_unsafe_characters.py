"""Control and bidi characters in access.yaml are refused with `file:line`, never passed on to be printed."""

from __future__ import annotations

import pytest

from orgaccess.declarations import DeclarationError, parse_declarations

# YAML double-quoted escapes, so that the file itself stays plain text.
UNSAFE = {
    "ESC": r"\e",
    "NUL": r"\0",
    "carriage return": r"\r",
    "DEL": r"\x7f",
    "C1 CSI": r"\x9b",
    "right-to-left override": r"\u202e",
    "left-to-right embedding": r"\u202a",
    "first strong isolate": r"\u2068",
    "right-to-left mark": r"\u200f",
}


def declarations(account: str = "Premium App", role: str = "Analyst", description: str = "") -> str:
    return f"""\
homeOrg: org-primary
serviceAccounts:
  - name: "{account}"
    grantType: client_credentials
    scopes: [recording:view]
    orgLock: LINKED_ORGS
roles:
  - name: "{role}"
    description: "{description}"
    permissions: [recording:view]
orgs:
  - id: org-partner-a
    bindings:
      - serviceAccount: "{account}"
        roles: ["{role}"]
"""


def refusal(text: str) -> str:
    with pytest.raises(DeclarationError) as refused:
        parse_declarations(text, "access.yaml")
    return str(refused.value)


@pytest.mark.parametrize("escape", UNSAFE.values(), ids=list(UNSAFE))
def test_an_account_name_with_an_unsafe_character_is_refused_at_its_line(escape: str) -> None:
    message = refusal(declarations(account=f"Premium{escape}App"))
    assert message.startswith("access.yaml:3: 'name' in service account")
    assert "control or bidi character" in message and "remove it" in message


def test_the_refusal_names_the_character_and_never_prints_it() -> None:
    message = refusal(declarations(role=r"Analyst\u202e\e[2J"))
    assert "access.yaml:8:" in message and "U+202E (RIGHT-TO-LEFT OVERRIDE)" in message
    assert "\u202e" not in message and "\x1b" not in message


def test_a_description_may_span_lines_but_not_hold_escapes() -> None:
    assert parse_declarations(declarations(description=r"first line\nsecond line"), "access.yaml")
    assert "access.yaml:9: 'description' in role 'Analyst'" in refusal(declarations(description=r"red\e[31m"))
