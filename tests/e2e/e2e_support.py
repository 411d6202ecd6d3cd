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
    """Object (Kind::org/name) -> its drift now: the `drift` input the provider's check gave each
    changing step (a resource with no drift is a `same` step, or changes for another reason).

    An org's OrgAccess resource carries each object's drift as `Kind name: text`; it is filed
    under that object.
    """
    found: dict[str, list[str]] = {}
    for step in result.steps:
        for line in (step.changes and (step.new_inputs or {}).get("drift")) or []:
            key, text = resource(step), line
            if key.startswith("OrgAccess::"):
                kind, _, rest = line.partition(" ")
                name, _, text = rest.partition(": ")
                key = f"{kind}::{step.name}/{name}"
            found.setdefault(key, []).append(text)
    return found


def failed_resources(result: Result) -> dict[str, str]:
    """Object (org/name) -> its error, for the objects an `up` could not converge.

    An org's resource saves what converged and lists the rest; the stack's Convergence check then
    fails the `up` with an error of one line per object after the first: `org, Kind name: error`.
    """
    found: dict[str, str] = {}
    for error in result.errors:
        for line in error.message.splitlines()[1:]:
            org, _, rest = line.strip().partition(", ")
            kind_and_name, _, why = rest.partition(": ")
            found[f"{org}/{kind_and_name.partition(' ')[2]}"] = why
    return found


def assert_drift(result: Result, expected: dict[str, str]) -> None:
    """The preview shows drift on exactly the `expected` resources, each starting with its text."""
    drift = drift_by_resource(result)
    assert set(drift) == set(expected)
    assert {resource: drift[resource][0][: len(text)] for resource, text in expected.items()} == expected
