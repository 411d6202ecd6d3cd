"""Specification of access.yaml loading: what loads, and how each kind of bad input is explained."""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from orgaccess.declarations.access_yaml import (
    MAX_FILE_BYTES,
    DeclarationError,
    Declarations,
    load_declarations,
    parse_declarations,
)
from orgaccess.declarations.access_yaml import fleet_org_ids as fleet
from orgaccess.dialects import SEED

REPO = Path(__file__).resolve().parents[2]

# Line numbers of BASE matter: the bad-input cases below name them.
BASE = """\
homeOrg: org-primary
serviceAccounts:
  - name: Premium App
    grantType: client_credentials
    scopes: [recording:view]
    orgLock: LINKED_ORGS
roles:
  - name: Recording Analyst
    permissions: [recording:view]
orgs:
  - id: org-primary
    licenses: {analytics: true}
    bindings:
      - serviceAccount: Premium App
        roles: [Recording Analyst]
"""


def edited(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def problems(text: str, filename: str = "access.yaml") -> list[str]:
    with pytest.raises(DeclarationError) as caught:
        parse_declarations(text, SEED, filename)
    return str(caught.value).splitlines()


# (text, line, expected message after "access.yaml:<line>: ")
BAD_INPUT = {
    "unknown key": (
        edited("    orgLock:", "    orgLok:"),
        6,
        "unknown key 'orgLok' in service account 'Premium App'; did you mean 'orgLock'?",
    ),
    "missing required key": (
        edited("    grantType: client_credentials\n", ""),
        3,
        "missing required key 'grantType' in service account 'Premium App'; "
        "add it, like `grantType: client_credentials`",
    ),
    "a string where a list is expected": (
        edited("scopes: [recording:view]", "scopes: recording:view"),
        5,
        "'scopes' in service account 'Premium App' must be a list of strings, not 'recording:view'; "
        "write it like `scopes: [recording:view]`",
    ),
    "a number where a string is expected": (
        edited("homeOrg: org-primary", "homeOrg: 42"),
        1,
        "'homeOrg' in the top level must be a string, not the number 42; put the value in quotes",
    ),
    "a value outside a fixed set": (
        edited("client_credentials", "client_credential"),
        4,
        "'grantType' in service account 'Premium App' is 'client_credential'; did you mean 'client_credentials'?",
    ),
    "a license that is not true or false": (
        edited("{analytics: true}", "{analytics: 'yes'}"),
        12,
        "'licenses.analytics' in org 'org-primary' must be true or false, not 'yes'; "
        "write it like `licenses: {analytics: true}`",
    ),
    "an empty name": (
        edited("homeOrg: org-primary", "homeOrg: ''"),
        1,
        "'homeOrg' in the top level is empty; give it a value",
    ),
    "unknown permission": (
        edited("permissions: [recording:view]", "permissions: [recording:veiw]"),
        9,
        "role 'Recording Analyst' names unknown permission 'recording:veiw'; did you mean 'recording:view'?",
    ),
    "unknown scope": (
        edited("scopes: [recording:view]", "scopes: [recordings:view]"),
        5,
        "service account 'Premium App' names unknown scope 'recordings:view'; did you mean 'recording:view'?",
    ),
    "unknown license feature": (
        edited("{analytics: true}", "{analytic: true}"),
        12,
        "unknown license feature 'analytic' in org 'org-primary'; did you mean 'analytics'?",
    ),
    "binding to an undeclared role": (
        edited("roles: [Recording Analyst]\n", "roles: [Recording Analsyt]\n"),
        15,
        "binding names role 'Recording Analsyt', which is not declared; did you mean 'Recording Analyst'?",
    ),
    "binding to an undeclared service account": (
        edited("serviceAccount: Premium App", "serviceAccount: Premium Ap"),
        14,
        "binding names service account 'Premium Ap', which is not declared; did you mean 'Premium App'?",
    ),
    "role listed twice in one binding": (
        edited("roles: [Recording Analyst]\n", "roles: [Recording Analyst, Recording Analyst]\n"),
        15,
        "role 'Recording Analyst' is listed twice in one binding; remove one",
    ),
    "account bound twice in one org": (
        BASE + "      - serviceAccount: Premium App\n        roles: [admin]\n",
        16,
        "'Premium App' is bound twice in org 'org-primary' (first at line 14); merge the roles into one binding",
    ),
    "duplicate service account": (
        edited(
            "roles:\n",
            "  - {name: Premium App, grantType: code, scopes: [], orgLock: PRIMARY_ONLY}\nroles:\n",
        ),
        7,
        "service account 'Premium App' is declared twice (first at line 3); merge the two or rename one",
    ),
    "duplicate role": (
        edited("orgs:\n", "  - {name: Recording Analyst, permissions: []}\norgs:\n"),
        10,
        "role 'Recording Analyst' is declared twice (first at line 8); merge the two or rename one",
    ),
    "duplicate org": (
        BASE + "  - id: org-primary\n",
        16,
        "org 'org-primary' is declared twice (first at line 11); merge the two or rename one",
    ),
    "custom role with a built-in name": (
        edited("  - name: Recording Analyst", "  - name: Admin").replace("[Recording Analyst]", "[admin]"),
        8,
        "role 'Admin' reuses the name of a built-in role; rename it "
        "(built-in roles admin and employee are bound without declaring them)",
    ),
    "invalid YAML syntax": (
        edited("scopes: [recording:view]", "scopes: [recording:view"),
        6,
        "invalid YAML: did not find expected ',' or ']' while parsing a flow sequence; "
        "check the indentation and quoting here",
    ),
    "duplicate key in a mapping": (
        BASE + "homeOrg: org-other\n",
        16,
        "key 'homeOrg' appears twice in one mapping (first at line 1); keep one",
    ),
    "non-string key": (
        BASE + "1: one\n",
        16,
        "a key must be a string, not the number 1; quote it",
    ),
    "YAML alias": (
        edited("  - id: org-primary", "  - id: &home org-primary") + "  - id: *home\n",
        11,
        "anchor '&home' is not supported; write the value out in full",
    ),
    "YAML tag": (
        edited("homeOrg: org-primary", "homeOrg: !!python/name:os.system org-primary"),
        1,
        "YAML tag 'tag:yaml.org,2002:python/name:os.system' is not supported; remove it",
    ),
    "second YAML document": (
        BASE + "---\nhomeOrg: x\n",
        16,
        "a second YAML document starts here; keep one document per file",
    ),
    "top level not a mapping": (
        "- homeOrg: org-primary\n",
        1,
        "the top level must be a mapping, not a list; write it as a mapping, like `homeOrg: ...`",
    ),
    "empty file": ("# only a comment\n", 1, "the file declares nothing; start it with `homeOrg: <org id>`"),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_each_kind_of_bad_input_names_file_line_and_fix(case: str) -> None:
    text, line, message = BAD_INPUT[case]
    assert f"team.yaml:{line}: {message}" in problems(text, "team.yaml")


def test_the_example_access_yaml_of_the_repository_loads_as_the_fixed_seed_403_state() -> None:
    decls = load_declarations(REPO / "access.yaml", SEED)
    app = decls.account("Premium App")
    assert app is not None
    assert (app.grantType, app.scopes, app.orgLock) == (
        "client_credentials",
        ["recording:view"],
        "LINKED_ORGS",
    )
    assert fleet(decls) == ["org-primary", *(f"org-partner-{x}" for x in "abcd")]
    assert all(decls.org(org_id).licenses == {"analytics": True} for org_id in fleet(decls))  # type: ignore[union-attr]
    assert [r.name for r in decls.roles_bound_in("org-partner-a")] == [
        "Recording Analyst",
        "Screen Recording Admin",
    ]
    assert decls.bindings_in("org-partner-a")[0].justification
    assert [r.name for r in decls.roles_bound_in("org-partner-b")] == ["Recording Analyst"]


def test_several_independent_problems_are_all_reported_one_per_line_sorted_by_line() -> None:
    text = edited("permissions: [recording:view]", "permissions: [recording:veiw]")
    text = text.replace("    orgLock:", "    orgLok:").replace("Recording Analyst]\n", "Nobody]\n")
    found = problems(text)
    # The structural problem (line 6) hides the reference problems until it is fixed.
    assert [p.split(":")[1] for p in found] == ["3", "6"]
    found = problems(text.replace("orgLok:", "orgLock:"))
    assert [p.split(":")[1] for p in found] == ["9", "15"]


def test_a_flood_of_problems_is_cut_short_with_a_count_of_the_rest() -> None:
    text = BASE + "".join(f"  - id: o{i}\n    licenses: {{bogus: true}}\n" for i in range(200))
    found = problems(text)
    assert len(found) == 51
    assert found[-1] == "access.yaml: more problems not shown; fix the ones above first"


def test_a_missing_file_is_named_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(DeclarationError, match=r"^.*nothere\.yaml: no such file; create it"):
        load_declarations(tmp_path / "nothere.yaml", SEED)


def test_a_file_over_5_mib_is_refused_without_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(DeclarationError, match=r"big\.yaml: larger than 5 MiB; split"):
        load_declarations(big, SEED)


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(BASE.encode().replace(b"Premium App", "Prämium".encode("latin-1"), 1))
    with pytest.raises(DeclarationError, match=r"latin1\.yaml:3: the file is not valid UTF-8; save it as UTF-8"):
        load_declarations(bad, SEED)


def test_a_billion_laughs_bomb_fails_fast_at_its_first_anchor() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    started = time.monotonic()
    assert problems(bomb) == ["access.yaml:1: anchor '&a' is not supported; write the value out in full"]
    assert time.monotonic() - started < 0.5


def test_more_than_10000_orgs_are_refused_as_too_long() -> None:
    text = BASE + "".join(f"  - id: o{i}\n" for i in range(10_000))
    assert problems(text) == [
        "access.yaml:10: 'orgs' in the top level is too long (at most 10000); shorten it, or split the declarations"
    ]


def test_home_org_need_not_be_declared_under_orgs_and_leads_the_fleet() -> None:
    decls = parse_declarations(edited("homeOrg: org-primary", "homeOrg: org-home"), SEED)
    assert decls.org("org-home") is None
    assert fleet(decls) == ["org-home", "org-primary"]


def test_the_fleet_lists_the_home_org_once_when_it_is_also_declared() -> None:
    assert fleet(parse_declarations(BASE, SEED)) == ["org-primary"]


def test_roles_bound_in_an_org_are_the_declared_custom_roles_its_bindings_name() -> None:
    text = edited("orgs:\n", "  - {name: Unused, permissions: []}\norgs:\n").replace(
        "[Recording Analyst]\n", "[admin, Recording Analyst]\n"
    )
    decls = parse_declarations(text, SEED)
    assert [r.name for r in decls.roles_bound_in("org-primary")] == ["Recording Analyst"]
    assert decls.roles_bound_in("org-elsewhere") == []


def test_lookups_answer_none_for_undeclared_names_and_built_in_roles() -> None:
    decls = parse_declarations(BASE, SEED)
    assert decls.account("Nobody") is None
    assert decls.role("admin") is None
    assert decls.org("org-nowhere") is None
    assert decls.bindings_in("org-nowhere") == []


def test_optional_fields_default_and_built_in_roles_may_be_bound() -> None:
    decls = parse_declarations(BASE.replace("[Recording Analyst]\n", "[Recording Analyst, employee]\n"), SEED)
    app = decls.serviceAccounts[0]
    assert (app.description, app.secretRotation) == ("", None)
    assert decls.bindings_in("org-primary")[0].roles == ["Recording Analyst", "employee"]
    assert decls.bindings_in("org-primary")[0].justification is None


def test_plain_scalars_follow_yaml_1_2_so_dates_and_yes_stay_strings() -> None:
    text = edited("    orgLock: LINKED_ORGS\n", "    orgLock: LINKED_ORGS\n    secretRotation: 2025-01-01\n")
    text = text.replace("Recording Analyst", "yes")
    decls = parse_declarations(text, SEED)
    assert decls.serviceAccounts[0].secretRotation == "2025-01-01"
    assert decls.roles[0].name == "yes"


def test_declarations_are_immutable() -> None:
    decls = parse_declarations(BASE, SEED)
    with pytest.raises(ValidationError):
        decls.homeOrg = "org-other"


def test_a_declarations_value_built_in_code_validates_its_structure() -> None:
    with pytest.raises(ValidationError):
        Declarations.model_validate({"homeOrg": "h", "serviceAccounts": [], "roles": [], "orgs": [], "x": 1})


def test_a_declaration_error_from_another_process_keeps_its_problems() -> None:
    # A process reading a share of the orgs sends its preflight's error back pickled (perorg.in_processes).
    sent = DeclarationError(["access.yaml:3: org 'a' ...", "access.yaml:9: org 'b' ..."])

    received = pickle.loads(pickle.dumps(sent))

    assert (type(received), received.problems, str(received)) == (DeclarationError, sent.problems, str(sent))
