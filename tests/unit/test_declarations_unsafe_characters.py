"""Control, bidi and other invisible format characters in access.yaml are refused with `file:line`,
never passed on to be printed; from the platform, they are printed escaped."""

from __future__ import annotations

import pytest

from orgaccess.declarations.access_yaml import DeclarationError, parse_declarations
from orgaccess.dialects import SEED
from orgaccess.printable import escape, markdown

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
    # The rest of Unicode's format characters (category Cf): invisible, or reordering, all of them.
    "arabic letter mark": r"\u061c",
    "zero width space": r"\u200b",
    "zero width no-break space (BOM)": r"\ufeff",
    "soft hyphen": r"\xad",
    "word joiner": r"\u2060",
    "language tag": r"\U000e0001",
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
        parse_declarations(text, SEED, "access.yaml")
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
    assert parse_declarations(declarations(description=r"first line\nsecond line"), SEED, "access.yaml")
    assert "access.yaml:9: 'description' in role 'Analyst'" in refusal(declarations(description=r"red\e[31m"))


@pytest.mark.parametrize("character", ["\u061c", "\u200b", "\ufeff", "\u2060", "\U000e0001"])
def test_a_live_name_with_an_invisible_format_character_is_printed_escaped(character: str) -> None:
    shown = escape(f"Recording{character} Analyst")
    assert character not in shown and character not in markdown(f"Recording{character} Analyst")
    assert shown == f"Recording{character.encode('unicode_escape').decode()} Analyst"


def test_letters_of_every_script_are_printed_as_they_are() -> None:
    assert escape("Analyste Québec, 分析员, محلل") == "Analyste Québec, 分析员, محلل"
