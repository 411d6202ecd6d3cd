"""The plan: every declared object once, readable names, dependencies before dependents."""

from __future__ import annotations

import json
from collections.abc import Sequence

from orgaccess.declarations.access_yaml import load_declarations
from orgaccess.dialects import SEED
from orgaccess.engine.automation import PROJECT_DIR
from orgaccess.plan.desired import Desired, per_org, plan
from orgaccess.reconciler.kinds import org_access
from orgaccess.reconciler.kinds.base import Props

PLAN = plan(load_declarations(PROJECT_DIR / "access.yaml", SEED), SEED)
BY_KEY = {d.key: d for d in PLAN}


def test_every_object_has_a_unique_kind_and_name() -> None:
    assert len(BY_KEY) == len(PLAN)


def test_names_read_as_org_then_object() -> None:
    assert ("Role", "org-partner-a/Recording Analyst") in BY_KEY
    assert ("RoleBinding", "org-partner-a/Premium App") in BY_KEY
    assert ("LicenseFeature", "org-partner-c/analytics") in BY_KEY
    assert ("ServiceAccount", "org-primary/Premium App") in BY_KEY


def test_a_custom_role_is_planned_only_in_orgs_that_bind_it() -> None:
    orgs = {d.org for d in PLAN if d.kind == "Role" and d.props["name"] == "Screen Recording Admin"}
    assert orgs == {"org-partner-a"}


def test_a_binding_depends_on_its_account_and_the_roles_it_grants() -> None:
    binding = BY_KEY[("RoleBinding", "org-partner-a/Premium App")]
    assert set(binding.depends_on) == {
        ("ServiceAccount", "org-primary/Premium App"),
        ("Role", "org-partner-a/Recording Analyst"),
        ("Role", "org-partner-a/Screen Recording Admin"),
    }


def test_dependencies_come_before_their_dependents() -> None:
    seen: set[tuple[str, str]] = set()
    for item in PLAN:
        assert set(item.depends_on) <= seen, item.key
        seen.add(item.key)


def test_declared_lists_are_sorted_so_previews_are_stable() -> None:
    binding: Desired = BY_KEY[("RoleBinding", "org-partner-a/Premium App")]
    assert binding.props["roles"] == sorted(binding.props["roles"])


RESOURCES = per_org(PLAN, SEED)


def test_the_program_has_one_resource_per_account_and_one_per_org() -> None:
    kinds = [d.kind for d in RESOURCES]
    orgs = {d.org for d in PLAN if d.kind != "ServiceAccount"}
    assert kinds.count("ServiceAccount") == len([d for d in PLAN if d.kind == "ServiceAccount"])
    assert sorted(d.name for d in RESOURCES if d.kind == "OrgAccess") == sorted(orgs)


def test_an_org_resource_holds_every_object_planned_for_that_org() -> None:
    org = next(d for d in RESOURCES if d.name == "org-partner-a")
    held = [part for _, part in org_access.KIND.objects(org.props)]
    planned = [d.props for d in PLAN if d.org == "org-partner-a" and d.kind != "ServiceAccount"]

    def in_order(parts: Sequence[Props]) -> list[Props]:
        return sorted(parts, key=lambda part: json.dumps(part, sort_keys=True))

    assert in_order(held) == in_order(planned)


def test_an_org_resource_depends_on_the_accounts_it_binds_and_comes_after_them() -> None:
    org = next(d for d in RESOURCES if d.name == "org-partner-a")
    assert org.depends_on == (("ServiceAccount", "org-primary/Premium App"),)
    seen: set[tuple[str, str]] = set()
    for item in RESOURCES:
        assert set(item.depends_on) <= seen, item.key
        seen.add(item.key)
