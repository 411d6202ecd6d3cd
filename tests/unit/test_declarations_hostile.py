"""Hostile input: whatever the text, loading ends in Declarations or a DeclarationError, quickly."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgaccess.declarations.access_yaml import DeclarationError, Declarations, parse_declarations
from orgaccess.dialects import SEED

EXAMPLE = (Path(__file__).resolve().parents[2] / "access.yaml").read_text()
# Every message line is `<file>:<line>: <problem>; <fix>` (the line is absent for whole-file problems).
MESSAGE_LINE = re.compile(r"hostile\.yaml(:[1-9][0-9]*)?: .+; .+")

# 2 s per example: generous for a loaded CI box; a runaway (bomb, quadratic path) takes far longer.
hostile = settings(deadline=2000, max_examples=150, suppress_health_check=[HealthCheck.too_slow])


def outcome(text: str) -> Declarations | DeclarationError:
    """Load ``text``; any exception other than DeclarationError fails the test by escaping."""
    try:
        return parse_declarations(text, SEED, "hostile.yaml")
    except DeclarationError as error:
        lines = str(error).splitlines()
        assert lines, "an error without a message"
        assert all(MESSAGE_LINE.fullmatch(line) for line in lines), lines
        return error


names = st.text(min_size=0, max_size=30)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), names)
junk = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(names, inner, max_size=4),
    max_leaves=12,
)


def maybe(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the valid shape, sometimes junk: deep enough to reach reference checks."""
    return st.one_of(valid, valid, valid, junk)


account = st.fixed_dictionaries(
    {
        "name": maybe(names),
        "grantType": maybe(st.sampled_from(["client_credentials", "code", "token"])),
        "scopes": maybe(st.lists(st.sampled_from(["recording:view", "recording:veiw", "x"]) | names, max_size=4)),
        "orgLock": maybe(st.sampled_from(["PRIMARY_ONLY", "LINKED_ORGS"])),
    },
    optional={"description": maybe(names), "secretRotation": maybe(names), "orgLok": junk},
)
role = st.fixed_dictionaries(
    {"name": maybe(st.sampled_from(["Recording Analyst", "admin", "Admin"]) | names)},
    optional={"permissions": maybe(st.lists(st.sampled_from(["recording:view", "bogus"]), max_size=3))},
)
binding = st.fixed_dictionaries(
    {
        "serviceAccount": maybe(st.sampled_from(["Premium App"]) | names),
        "roles": maybe(st.lists(st.sampled_from(["Recording Analyst", "admin", "Nope"]) | names, max_size=4)),
    },
    optional={"justification": maybe(names)},
)
org = st.fixed_dictionaries(
    {"id": maybe(st.sampled_from(["org-a", "org-b"]) | names)},
    optional={
        "licenses": maybe(st.dictionaries(st.sampled_from(["analytics", "analytic"]) | names, maybe(st.booleans()))),
        "bindings": maybe(st.lists(binding, max_size=3)),
    },
)
declarations = st.fixed_dictionaries(
    {
        "homeOrg": maybe(names),
        "serviceAccounts": maybe(st.lists(account, max_size=3)),
        "roles": maybe(st.lists(role, max_size=3)),
        "orgs": maybe(st.lists(org, max_size=4)),
    }
)


@hostile
@given(st.text())
def test_random_text_never_escapes_as_another_exception(text: str) -> None:
    outcome(text)


@hostile
@given(declarations, st.booleans())
def test_almost_valid_declarations_load_or_are_explained(data: dict[str, Any], flow: bool) -> None:
    outcome(yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow))


@hostile
@given(junk)
def test_arbitrary_yaml_values_are_explained(data: Any) -> None:
    outcome(yaml.safe_dump(data, allow_unicode=True))


@hostile
@given(st.data())
def test_random_edits_of_the_example_file_never_crash(data: st.DataObject) -> None:
    text = EXAMPLE
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 40)))
        insert = data.draw(st.text(alphabet=st.sampled_from([*":-[]{}&*!|>'\"#, \n\tab", "\x00", "é"])))
        text = text[:start] + insert + text[end:]
    outcome(text)


@hostile
@given(st.integers(1, 12), st.integers(1, 12))
def test_anchor_and_alias_bombs_fail_fast(depth: int, width: int) -> None:
    levels = ["l0: &l0 [lol]"] + [f"l{d}: &l{d} [{', '.join([f'*l{d - 1}'] * width)}]" for d in range(1, depth + 1)]
    error = outcome("\n".join(levels) + "\n")
    assert isinstance(error, DeclarationError)
    assert "anchor '&l0' is not supported" in str(error)


@settings(deadline=5000, max_examples=5)
@given(st.sampled_from(["[", "{a: ", "- "]), st.integers(40, 5000))
def test_deep_nesting_is_refused(opener: str, depth: int) -> None:
    error = outcome(opener * depth)
    assert isinstance(error, DeclarationError)


@settings(deadline=10_000, max_examples=3)
@given(st.integers(1000, 20_000), st.sampled_from(["scopes", "permissions", "orgs"]))
def test_huge_lists_are_refused_with_their_limit(size: int, key: str) -> None:
    items = ", ".join(["recording:view"] * size) if key != "orgs" else ", ".join(f"{{id: o{i}}}" for i in range(size))
    data = {"scopes": f"[{items}]", "permissions": "[recording:view]", "orgs": "[]"} | {key: f"[{items}]"}
    text = (
        "homeOrg: h\n"
        f"serviceAccounts: [{{name: a, grantType: code, orgLock: LINKED_ORGS, scopes: {data['scopes']}}}]\n"
        f"roles: [{{name: r, permissions: {data['permissions']}}}]\n"
        f"orgs: {data['orgs']}\n"
    )
    result = outcome(text)
    assert isinstance(result, DeclarationError) or (key == "orgs" and size <= 10_000)
