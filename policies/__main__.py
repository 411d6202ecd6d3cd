"""The orgaccess policy pack: `pulumi preview --policy-pack policies`.

Only wiring: the rules live in orgaccess.policy_rules, where they are unit-tested.
Levels and the permission allow-list are set with `--policy-pack-config FILE`
(see config.example.json).
"""

from __future__ import annotations

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

from orgaccess.policy_rules import RULES, Declared, ResourceRule, Rule, StackRule, resources_of


def _resource_policy(rule: ResourceRule, common: dict) -> Policy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        for found in resources_of(args.resource_type, args.urn, args.props):
            if found.kind == rule.kind:
                for message in rule.check(found.props, args.get_config()):
                    report(message, None)

    return ResourceValidationPolicy(validate=validate, **common)


def _stack_policy(rule: StackRule, common: dict) -> Policy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        view = Declared(found for r in args.resources for found in resources_of(r.resource_type, r.urn, r.props))
        for violation in rule.check(view, args.get_config()):
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
