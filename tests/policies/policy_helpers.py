"""Shared by the policy tests: paths, and one rule evaluated over declarations as the engine would."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from orgaccess.declarations.access_yaml import parse_declarations
from orgaccess.deploy.policy_rules import PLATFORM_KEY, RULES, Declared, Resource, ResourceRule
from orgaccess.dialects import SEED, Definition
from orgaccess.engine.result import Result
from orgaccess.plan.desired import plan

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "policies"
DECLARATIONS = Path(__file__).parent / "declarations"
# preview(declarations, config=None): the review's preview of a declarations file.
Preview = Callable[..., Result]
FIXED = yaml.safe_load((REPO / "access.yaml").read_text(encoding="utf-8"))
GENESYS_FIXED = yaml.safe_load((REPO / "examples" / "genesys-cloud" / "access.yaml").read_text(encoding="utf-8"))


def fixed() -> dict[str, Any]:
    """A fresh copy of the declared fix of seed-403 (access.yaml), to edit in a test."""
    return copy.deepcopy(FIXED)


def genesys_fixed() -> dict[str, Any]:
    """A fresh copy of the declared fix of genesys-403 (examples/genesys-cloud/access.yaml)."""
    return copy.deepcopy(GENESYS_FIXED)


def messages(
    declarations: dict[str, Any],
    rule_name: str,
    config: dict[str, Any] | None = None,
    dialect: Definition = SEED,
) -> list[str]:
    """The rule's messages on `declarations` read and planned for `dialect`, as the pack gives them."""
    (rule,) = [r for r in RULES if r.name == rule_name]
    decls = parse_declarations(yaml.safe_dump(declarations), dialect)
    planned = plan(decls, dialect)
    resources = [Resource(d.kind, f"urn:pulumi:t::orgaccess::{d.kind}::{d.name}", d.props) for d in planned]
    given = {**(config or {}), PLATFORM_KEY: dialect.name}
    if isinstance(rule, ResourceRule):
        return [m for r in resources if r.kind == rule.kind for m in rule.check(r.props, given)]
    return [v.message for v in rule.check(Declared(resources), given)]
