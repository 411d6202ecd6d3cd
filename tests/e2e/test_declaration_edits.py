"""Edits of access.yaml do what the preview shows, in the orgs it names, and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import PROJECT_DIR, Stack
from orgaccess.engine.result import Result
from orgaccess.platform.client import PlatformClient
from tests.e2e.e2e_support import APP, resource

pytestmark = pytest.mark.e2e

FULL = (PROJECT_DIR / "access.yaml").read_text()
# Start without org-partner-c and org-partner-d, so adding one is an edit to make.
START = FULL[: FULL.index("  - id: org-partner-c")]
# Whether every object converged is known only once the orgs' resources have run, so the stack's
# one Convergence resource is previewed as an update whenever an org's resource changes.
CONVERGENCE = ("update", "Convergence", "convergence")


def ops(preview: Result) -> set[tuple[str, str, str]]:
    """(op, kind, name) of every orgaccess step the preview proposes."""
    return {(s.op, resource(s).split("::")[0], s.name) for s in preview.steps if s.changes and "orgaccess:" in s.type}


def writes(platform: EmulatorHandle, since: int) -> set[str | None]:
    return {e.org for e in platform.audit(since=since) if e.method != "GET" and e.path != "/oauth/token"}


@pytest.fixture(scope="module")
def declarations(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("decl") / "access.yaml"
    path.write_text(START)
    stack.set_config("orgaccess:declarations", str(path))
    stack.up().check()
    return path


def apply(
    stack: Stack, platform: EmulatorHandle, path: Path, text: str
) -> tuple[set[tuple[str, str, str]], set[str | None]]:
    path.write_text(text)
    planned = ops(stack.preview().check())
    before = platform.audit_count()
    stack.up().check()
    assert ops(stack.preview().check()) == set()
    return planned, writes(platform, before)


def test_adding_an_org_creates_only_that_orgs_objects(
    stack: Stack, platform: EmulatorHandle, declarations: Path, probe: Callable[[str], int]
) -> None:
    partner_c = FULL[FULL.index("  - id: org-partner-c") : FULL.index("  - id: org-partner-d")]
    planned, written = apply(stack, platform, declarations, START + partner_c)
    assert planned == {("create", "OrgAccess", "org-partner-c"), CONVERGENCE}
    assert written == {"org-partner-c"}
    assert probe("org-partner-c") == 200


def test_removing_a_binding_revokes_its_grants_and_deletes_roles_no_longer_bound(
    stack: Stack, platform: EmulatorHandle, declarations: Path, admin: PlatformClient
) -> None:
    text = declarations.read_text()
    binding = text[
        text.index("    bindings:", text.index("  - id: org-partner-a")) : text.index("  - id: org-partner-b")
    ]
    planned, written = apply(stack, platform, declarations, text.replace(binding, "\n"))
    assert planned == {("update", "OrgAccess", "org-partner-a"), CONVERGENCE}
    assert written == {"org-partner-a"}
    assert admin.list_subject_roles("org-partner-a", APP[0]) == []


def test_changing_a_roles_permissions_updates_it_in_every_org_that_binds_it(
    stack: Stack, platform: EmulatorHandle, declarations: Path, admin: PlatformClient
) -> None:
    text = declarations.read_text().replace(
        "permissions: [recording:view]", "permissions: [recording:view, analytics:read]", 1
    )
    planned, written = apply(stack, platform, declarations, text)
    orgs = {"org-primary", "org-partner-b", "org-partner-c"}
    assert planned == {("update", "OrgAccess", org) for org in orgs} | {CONVERGENCE}
    assert written == orgs
    for org in orgs:
        (role,) = admin.list_roles(org, name="Recording Analyst")
        assert sorted(role.permissions) == ["analytics:read", "recording:view"]
