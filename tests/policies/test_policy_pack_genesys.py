"""`pulumi preview --policy-pack policies` on a genesys-cloud stack: the pack reads the stack's
dialect and blocks unsafe declarations written with Genesys permission names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from orgaccess.demo.genesys import ADMINS
from orgaccess.emulator.api import Api
from orgaccess.emulator.harness import running_emulator
from orgaccess.engine.automation import Stack
from orgaccess.engine.result import Result
from orgaccess.reports.review import PolicyResult, preview_of, review_preview
from tests.e2e.genesys_support import genesys_stack
from tests.policies.policy_helpers import PACK, REPO, genesys_fixed

pytestmark = pytest.mark.e2e

EXAMPLE = REPO / "examples" / "genesys-cloud" / "access.yaml"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of the real program on genesys-cloud, on a fresh genesys-403 emulator; previews only."""
    admins = {org: (c["clientId"], c["clientSecret"]) for org, c in ADMINS.items()}
    with running_emulator("genesys-403", dialect=Api.GENESYS_CLOUD) as emulator:
        stack = genesys_stack(tmp_path_factory.mktemp("backend"), emulator.url, admins, EXAMPLE)
        yield stack


def preview(stack: Stack, declarations: Path) -> Result:
    stack.set_config("orgaccess:declarations", str(declarations))
    return review_preview(stack, str(PACK))


def results(run: Result) -> list[PolicyResult]:
    return preview_of(run).policies


@pytest.fixture(scope="module")
def bad_run(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Result:
    """The Genesys fix with a role beyond the allow-list bound in org-partner-a, and analytics off in org-partner-b."""
    decls = genesys_fixed()
    decls["roles"].append({"name": "Role Editor", "permissions": ["authorization:role:edit"]})
    decls["orgs"][1]["bindings"][0]["roles"].append("Role Editor")
    decls["orgs"][2]["licenses"] = {"analytics": False}
    path = tmp_path_factory.mktemp("declarations") / "access.yaml"
    path.write_text(yaml.safe_dump(decls, sort_keys=False))
    return preview(stack, path)


def test_the_declared_fix_of_genesys_403_passes_every_policy(stack: Stack) -> None:
    run = preview(stack, EXAMPLE)

    assert run.returncode == 0, run.stderr
    assert results(run) == []  # no scope asked for: cause C1 does not exist on genesys-cloud


def test_a_role_beyond_the_allow_list_blocks_the_preview(bad_run: Result) -> None:
    assert bad_run.returncode == 1
    (found,) = [r for r in results(bad_run) if r.policy == "permission-allow-list"]
    assert (found.level, found.subject) == ("mandatory", "OrgAccess org-partner-a")
    assert "carries 'authorization:role:edit', outside the allow-list" in found.message
    assert (
        "('analytics:conversationDetail:view', 'recording:screenRecording:delete', 'recording:screenRecording:view')"
        in (found.message)
    )  # the default allow-list, in the names the declarations use


def test_recording_view_without_analytics_is_blocked_naming_the_genesys_permission(bad_run: Result) -> None:
    (found,) = [r for r in results(bad_run) if r.policy == "recording-view-needs-scope-and-license"]
    assert (found.level, found.subject) == ("mandatory", "OrgAccess org-partner-b")
    assert "holds recording:screenRecording:view in org 'org-partner-b'" in found.message


def test_forbidding_every_division_blocks_the_binding_that_declares_it(stack: Stack, tmp_path: Path) -> None:
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"all-divisions": {"enforcementLevel": "mandatory", "allDivisions": "forbid"}}))
    stack.set_config("orgaccess:declarations", str(EXAMPLE))
    run = review_preview(stack, str(PACK), str(config))

    assert run.returncode == 1
    (found,) = [r for r in results(run) if r.policy == "all-divisions"]
    assert (found.level, found.subject) == ("mandatory", "OrgAccess org-partner-e")
    assert "grants in every division ('*'), which this stack forbids" in found.message
