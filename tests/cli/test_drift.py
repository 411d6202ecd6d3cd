"""`orgaccess drift`: declared against live, field by field, for people, scripts and pull requests."""

from __future__ import annotations

import yaml

from orgaccess.declarations.access_yaml import load_declarations
from orgaccess.dialects import SEED
from orgaccess.reconciler.drift import Drift
from tests.cli.support import AS_LIVE, Cli


def test_exits_2_and_lists_every_drifted_field_as_json(cli: Cli) -> None:
    run = cli("drift", "--format", "json")

    assert run.code == 2, run.stderr
    records = [Drift.model_validate(item) for item in run.json()]
    assert all({"org", "kind", "name", "field", "declared", "actual", "fixable"} <= set(item) for item in run.json())
    assert {(d.org, d.kind, d.field) for d in records} == {
        ("org-primary", "ServiceAccount", "orgLock"),
        ("org-partner-a", "Role", "exists"),
        ("org-partner-a", "RoleBinding", "roles"),
        ("org-partner-b", "Role", "permissions"),
        ("org-partner-c", "LicenseFeature", "enabled"),
        ("org-partner-d", "LicenseFeature", "enabled"),
    }
    (contract,) = [d for d in records if not d.fixable]
    assert contract.org == "org-partner-d" and "contract" in contract.reason


def test_exits_0_when_live_state_matches_the_declarations(cli: Cli) -> None:
    (cli.cwd / "as-live.yaml").write_text(AS_LIVE)

    run = cli("drift", "--declarations", "as-live.yaml")

    assert run.code == 0, run.stdout + run.stderr
    assert run.stdout == "No drift: all 2 orgs match the declarations.\n"


def test_text_groups_the_drift_under_each_org(cli: Cli) -> None:
    run = cli("drift")

    assert run.code == 2
    lines = run.stdout.splitlines()
    partner_b = lines.index("org-partner-b")
    assert lines[partner_b + 1] == (
        "  Role org-partner-b/Recording Analyst: permissions: live [analytics:read] -> declared [recording:view]"
    )
    assert lines[-1] == "7 drifted field(s) in 5 of 5 orgs; 1 cannot be fixed by pulumi up."


def test_markdown_is_a_short_table_per_drifted_org_for_a_pull_request(cli: Cli) -> None:
    run = cli("drift", "--format", "markdown")

    assert run.code == 2
    text = run.stdout
    assert text.startswith("### orgaccess drift\n")
    assert text.count("| Kind | Object | Field | Live | Declared | Fix |") == 5
    assert "| Role | org-partner-b/Recording Analyst | permissions | `analytics:read` | `recording:view` |" in text
    assert "| LicenseFeature | org-partner-d/analytics | enabled | `false` | `true` | not by API:" in text


def test_an_org_the_credentials_cannot_address_stops_it_naming_file_and_line(cli: Cli) -> None:
    declarations = yaml.safe_load((cli.cwd / "access.yaml").read_text())
    declarations["orgs"].append({"id": "org-elsewhere"})
    (cli.cwd / "access.yaml").write_text(yaml.safe_dump(declarations, sort_keys=False))
    load_declarations(cli.cwd / "access.yaml", SEED)  # well-formed: only the platform can tell

    run = cli("drift")

    assert run.code == 1
    assert run.stdout == ""
    (line,) = run.stderr.splitlines()
    assert line.startswith("orgaccess: error: access.yaml:") and "'org-elsewhere' cannot be addressed" in line
