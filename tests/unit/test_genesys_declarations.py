"""access.yaml on genesys-cloud: the same file format, read the Genesys way, and planned per org."""

from __future__ import annotations

import pytest

from orgaccess.declarations import DeclarationError, load_declarations, parse_declarations
from orgaccess.desired import plan
from orgaccess.engine import PROJECT_DIR
from orgaccess.platform.dialect import Dialect

GENESYS = Dialect.GENESYS_CLOUD
EXAMPLE = PROJECT_DIR / "examples" / "genesys-cloud" / "access.yaml"


def test_the_genesys_example_is_valid_on_genesys_cloud() -> None:
    decls = load_declarations(EXAMPLE, GENESYS)
    assert decls.roles[0].permissions == ["recording:screenRecording:view"]


def test_an_org_lock_is_refused_on_genesys_cloud_at_its_line() -> None:
    text = EXAMPLE.read_text().replace("    scopes: []\n", "    scopes: []\n    orgLock: LINKED_ORGS\n")
    line = text.splitlines().index("    orgLock: LINKED_ORGS") + 1
    with pytest.raises(DeclarationError) as refused:
        parse_declarations(text, "access.yaml", GENESYS)
    assert str(refused.value).startswith(f"access.yaml:{line}: orgLock does not exist on genesys-cloud")


def test_a_seed_permission_name_is_refused_on_genesys_cloud_with_its_genesys_name() -> None:
    text = EXAMPLE.read_text().replace("[recording:screenRecording:view]", "[recording:view]")
    with pytest.raises(DeclarationError, match="on genesys-cloud write 'recording:screenRecording:view'"):
        parse_declarations(text, "access.yaml", GENESYS)


def test_the_seed_example_is_refused_on_genesys_cloud_for_its_org_lock() -> None:
    with pytest.raises(DeclarationError, match="orgLock does not exist on genesys-cloud"):
        load_declarations(PROJECT_DIR / "access.yaml", GENESYS)


def test_on_genesys_cloud_an_account_is_a_client_in_each_org_that_binds_it() -> None:
    desired = plan(load_declarations(EXAMPLE, GENESYS), GENESYS)
    accounts = [d.name for d in desired if d.kind == "ServiceAccount"]
    assert accounts == [f"{org}/Premium App" for org in ("org-primary", *(f"org-partner-{x}" for x in "abcd"))]
    binding = next(d for d in desired if d.name == "org-partner-b/Premium App" and d.kind == "RoleBinding")
    assert binding.props["homeOrg"] == "org-partner-b"
    assert ("ServiceAccount", "org-partner-b/Premium App") in binding.depends_on


def test_a_name_with_a_bidi_override_is_refused_on_genesys_cloud() -> None:
    text = EXAMPLE.read_text().replace("Premium App", "Premium \u202eppA", 1)
    with pytest.raises(DeclarationError, match="control or bidi character"):
        parse_declarations(text, "access.yaml", GENESYS)
