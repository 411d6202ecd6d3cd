"""What the end-to-end tests share: the seed-403 cast and reading drift out of a preview's steps."""

from __future__ import annotations

from orgaccess.engine_result import Result, Step

ADMIN = ("orgaccess-admin", "s3cret-admin")
APP = ("premium-app", "s3cret-app")
PARTNERS = ("org-partner-a", "org-partner-b", "org-partner-c", "org-partner-d")
ORGS = ("org-primary", *PARTNERS)


def resource(step: Step) -> str:
    """`Kind::name` of a step's resource (the last part of its type)."""
    return f"{step.type.rsplit(':', 1)[-1]}::{step.name}"


def drift_by_resource(result: Result) -> dict[str, list[str]]:
    """Resource (Kind::name) -> its drift now: the `drift` input the provider's check gave each
    changing step (a resource with no drift is a `same` step, or changes for another reason)."""
    found: dict[str, list[str]] = {}
    for step in result.steps:
        if drift := step.changes and (step.new_inputs or {}).get("drift"):
            found[resource(step)] = list(drift)
    return found


def failed_resources(result: Result) -> dict[str, str]:
    """Resource name -> its error, for the resources an `up` failed."""
    return {urn.rsplit("::", 1)[-1]: message for urn, message in result.errors_by_urn().items()}


def assert_drift(result: Result, expected: dict[str, str]) -> None:
    """The preview shows drift on exactly the `expected` resources, each starting with its text."""
    drift = drift_by_resource(result)
    assert set(drift) == set(expected)
    assert {resource: drift[resource][0][: len(text)] for resource, text in expected.items()} == expected
