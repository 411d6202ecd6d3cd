"""`pulumi preview --policy-pack policies` blocks unsafe declarations, with messages that say the fix."""

from __future__ import annotations

import json

import pytest

from orgaccess.engine.result import Result
from orgaccess.reports.review import PolicyResult, preview_of
from tests.policies.policy_helpers import DECLARATIONS, REPO, Preview

pytestmark = pytest.mark.e2e


def results(run: Result) -> list[PolicyResult]:
    return preview_of(run).policies


@pytest.fixture(scope="module")
def fixed_run(preview: Preview) -> Result:
    return preview(REPO / "access.yaml")


@pytest.fixture(scope="module")
def bad_run(preview: Preview) -> Result:
    return preview(DECLARATIONS / "bad.yaml")


@pytest.fixture(scope="module")
def relaxed_run(preview: Preview, tmp_path_factory: pytest.TempPathFactory) -> Result:
    config = tmp_path_factory.mktemp("config") / "relaxed.json"
    allowed = ["recording:view", "admin:screen_recordings", "analytics:read", "security:roles:edit"]
    config.write_text(json.dumps({"all": "advisory", "permission-allow-list": {"allowedPermissions": allowed}}))
    return preview(DECLARATIONS / "bad.yaml", config)


def test_the_declared_fix_of_seed_403_passes_every_policy(fixed_run: Result) -> None:
    assert fixed_run.returncode == 0, fixed_run.stderr
    assert results(fixed_run) == []


def test_a_mandatory_violation_fails_the_preview(bad_run: Result) -> None:
    assert bad_run.returncode == 1


@pytest.mark.parametrize(
    ("policy", "level", "subject", "fix"),
    [
        ("grant-type-client-credentials", "mandatory", "ServiceAccount org-primary/Premium App",
         "set `grantType: client_credentials`"),
        ("no-primary-only-across-orgs", "mandatory", "ServiceAccount org-primary/Premium App",
         "set `orgLock: LINKED_ORGS`"),
        ("recording-view-needs-scope-and-license", "mandatory", "OrgAccess org-primary",
         "add recording:view to its `scopes`"),
        ("recording-view-needs-scope-and-license", "mandatory", "OrgAccess org-partner-a",
         "add `licenses: {analytics: true}` to org 'org-partner-a'"),
        ("no-admin-for-apps", "mandatory", "OrgAccess org-partner-b",
         "replace 'admin' in that binding with a custom role"),
        ("permission-allow-list", "mandatory", "OrgAccess org-partner-a",
         "carries 'security:roles:edit', outside the allow-list"),
        ("secret-rotation-not-a-secret", "mandatory", "ServiceAccount org-primary/Premium App",
         "looks like a secret"),
        ("screen-recording-admin-justified", "advisory", "OrgAccess org-partner-a",
         "add `justification: <why>`"),
        ("scopes-used-by-roles", "advisory", "ServiceAccount org-primary/Reporting App",
         "remove them from its `scopes`"),
    ],
)  # fmt: skip
def test_each_policy_reports_the_bad_declaration_with_its_fix(
    bad_run: Result, policy: str, level: str, subject: str, fix: str
) -> None:
    found = [r for r in results(bad_run) if (r.policy, r.subject) == (policy, subject) and fix in r.message]
    assert [r.level for r in found] == [level], results(bad_run)


def test_the_pack_config_sets_enforcement_levels(relaxed_run: Result) -> None:
    assert relaxed_run.returncode == 0, relaxed_run.stderr
    assert {r.level for r in results(relaxed_run)} == {"advisory"}


def test_the_pack_config_sets_the_permission_allow_list(relaxed_run: Result) -> None:
    assert "permission-allow-list" not in {r.policy for r in results(relaxed_run)}


def test_the_documented_example_config_is_accepted(preview: Preview) -> None:
    run = preview(REPO / "access.yaml", REPO / "policies" / "config.example.json")
    assert run.returncode == 0, run.stderr
