"""access.yaml on genesys-cloud: the same file format, read the Genesys way, and planned per org."""

from __future__ import annotations

import pytest

from orgaccess.declarations.access_yaml import DeclarationError, load_declarations, parse_declarations
from orgaccess.dialects import GENESYS_CLOUD as GENESYS
from orgaccess.dialects import SEED
from orgaccess.engine.automation import PROJECT_DIR
from orgaccess.plan.desired import plan

EXAMPLE = PROJECT_DIR / "examples" / "genesys-cloud" / "access.yaml"


def test_the_genesys_example_is_valid_on_genesys_cloud() -> None:
    decls = load_declarations(EXAMPLE, GENESYS)
    assert decls.roles[0].permissions == ["recording:screenRecording:view"]


def test_an_org_lock_is_refused_on_genesys_cloud_at_its_line() -> None:
    text = EXAMPLE.read_text().replace("    scopes: []\n", "    scopes: []\n    orgLock: LINKED_ORGS\n")
    line = text.splitlines().index("    orgLock: LINKED_ORGS") + 1
    with pytest.raises(DeclarationError) as refused:
        parse_declarations(text, GENESYS, "access.yaml")
    assert str(refused.value).startswith(f"access.yaml:{line}: orgLock does not exist on genesys-cloud")


def test_a_seed_permission_name_is_refused_on_genesys_cloud_with_its_genesys_name() -> None:
    text = EXAMPLE.read_text().replace("[recording:screenRecording:view]", "[recording:view]")
    with pytest.raises(DeclarationError, match="on genesys-cloud write 'recording:screenRecording:view'"):
        parse_declarations(text, GENESYS, "access.yaml")


def test_the_seed_example_is_refused_on_genesys_cloud_for_its_org_lock() -> None:
    with pytest.raises(DeclarationError, match="orgLock does not exist on genesys-cloud"):
        load_declarations(PROJECT_DIR / "access.yaml", GENESYS)


def test_on_genesys_cloud_an_account_is_a_client_in_each_org_that_binds_it() -> None:
    desired = plan(load_declarations(EXAMPLE, GENESYS), GENESYS)
    accounts = [d.name for d in desired if d.kind == "ServiceAccount"]
    assert accounts == [f"{org}/Premium App" for org in ("org-primary", *(f"org-partner-{x}" for x in "abcde"))]
    binding = next(d for d in desired if d.name == "org-partner-b/Premium App" and d.kind == "RoleBinding")
    assert binding.props["homeOrg"] == "org-partner-b"
    assert ("ServiceAccount", "org-partner-b/Premium App") in binding.depends_on


def test_a_name_with_a_bidi_override_is_refused_on_genesys_cloud() -> None:
    text = EXAMPLE.read_text().replace("Premium App", "Premium \u202eppA", 1)
    with pytest.raises(DeclarationError, match="control or bidi character"):
        parse_declarations(text, GENESYS, "access.yaml")


PARTNER_A_BINDING = (
    "  - id: org-partner-a\n    licenses: {analytics: true}\n    bindings:\n"
    "      - {serviceAccount: Premium App, roles: [Recording Analyst]}\n"
)


def with_divisions(text: str, divisions: str) -> str:
    return text.replace(
        PARTNER_A_BINDING,
        PARTNER_A_BINDING.replace(
            "roles: [Recording Analyst]}", f"roles: [Recording Analyst], divisions: {divisions}}}"
        ),
    )


def test_a_binding_names_its_divisions_on_genesys_cloud_and_plans_them() -> None:
    decls = parse_declarations(with_divisions(EXAMPLE.read_text(), "['*']"), GENESYS, "access.yaml")
    binding = next(d for d in plan(decls, GENESYS) if d.name == "org-partner-a/Premium App" and d.kind == "RoleBinding")
    assert binding.props["divisions"] == ["*"]


def test_a_binding_without_divisions_plans_none_so_its_grants_go_to_the_home_division() -> None:
    binding = next(d for d in plan(load_declarations(EXAMPLE, GENESYS), GENESYS) if d.kind == "RoleBinding")
    assert "divisions" not in binding.props


def test_divisions_on_the_seed_platform_are_refused_at_their_line() -> None:
    seed = (PROJECT_DIR / "access.yaml").read_text()
    anchor = "        roles: [Recording Analyst, Screen Recording Admin]\n"
    text = seed.replace(anchor, anchor + "        divisions: ['*']\n")
    line = text.splitlines().index("        divisions: ['*']") + 1
    with pytest.raises(DeclarationError) as refused:
        parse_declarations(text, SEED, "access.yaml")
    assert str(refused.value).startswith(f"access.yaml:{line}: divisions do not exist on seed")


@pytest.mark.parametrize(
    ("divisions", "problem"),
    [("['*', Queue East]", "'*' is every division already"), ("[Queue East, Queue East]", "listed twice")],
)
def test_a_division_list_that_says_a_thing_twice_is_refused(divisions: str, problem: str) -> None:
    with pytest.raises(DeclarationError, match=problem):
        parse_declarations(with_divisions(EXAMPLE.read_text(), divisions), GENESYS, "access.yaml")
