"""The orgaccess policy pack: `pulumi preview --policy-pack policies`.

Only wiring: the rules live in orgaccess.deploy.policy_rules, where they are unit-tested.
Levels and the permission allow-list are set with `--policy-pack-config FILE`
(see config.example.json). The dialect is the stack's (`orgaccess:platform`, else env
ORGACCESS_PLATFORM): the engine gives the pack the stack's config, and each rule gets it as
`platform` in its config.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.runtime import get_config
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from orgaccess.deploy.policy_rules import PLATFORM_KEY, RULES, Declared, ResourceRule, Rule, StackRule, resources_of
from orgaccess.platform.settings import platform_setting, stack_lookup

PLATFORM, _ = platform_setting(stack_lookup(get_config))


def _config(configured: Mapping[str, Any]) -> dict[str, Any]:
    return {**configured, PLATFORM_KEY: PLATFORM}


def _resource_policy(rule: ResourceRule, common: dict) -> Policy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        for found in resources_of(args.resource_type, args.urn, args.props):
            if found.kind == rule.kind:
                for message in rule.check(found.props, _config(args.get_config())):
                    report(message, None)

    return ResourceValidationPolicy(validate=validate, **common)


def _stack_policy(rule: StackRule, common: dict) -> Policy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        view = Declared(found for r in args.resources for found in resources_of(r.resource_type, r.urn, r.props))
        for violation in rule.check(view, _config(args.get_config())):
            report(violation.message, violation.urn)

    return StackValidationPolicy(validate=validate, **common)


def _policy(rule: Rule) -> Policy:
    common = {
        "name": rule.name,
        "description": rule.description,
        "enforcement_level": EnforcementLevel.MANDATORY if rule.mandatory else EnforcementLevel.ADVISORY,
        "config_schema": PolicyConfigSchema(dict(rule.config_schema)) if rule.config_schema else None,
    }
    if isinstance(rule, ResourceRule):
        return _resource_policy(rule, common)
    return _stack_policy(rule, common)


PolicyPack(name="orgaccess", policies=[_policy(rule) for rule in RULES])
