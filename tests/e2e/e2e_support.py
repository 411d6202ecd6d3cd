"""What the end-to-end tests share: the seed-403 cast and reading drift out of a preview's steps."""

from __future__ import annotations

from orgaccess.engine.automation import PROJECT_DIR, Stack
from orgaccess.engine.result import Result, Step
from orgaccess.reconciler.drift import Drift, from_records

ADMIN = ("orgaccess-admin", "s3cret-admin")
APP = ("premium-app", "s3cret-app")
PARTNERS = ("org-partner-a", "org-partner-b", "org-partner-c", "org-partner-d")
ORGS = ("org-primary", *PARTNERS)


def resource(step: Step) -> str:
    """`Kind::name` of a step's resource (the last part of its type)."""
    return f"{step.type.rsplit(':', 1)[-1]}::{step.name}"


def drift_by_resource(result: Result) -> dict[str, list[str]]:
    """Object (Kind::org/name) -> its drift now, each record as people read it (`Drift.describe`):
    the records the provider's check gave each changing step under `drift` (a resource with no
    drift is a `same` step, or changes for another reason)."""
    found: dict[str, list[str]] = {}
    for drift in drift_records(result):
        found.setdefault(f"{drift.kind}::{drift.name}", []).append(drift.describe())
    return found


def drift_records(result: Result) -> list[Drift]:
    """Every drift record of a preview's changing steps, in step order: what `--json` carries."""
    return [d for step in result.steps if step.changes for d in from_records((step.new_inputs or {}).get("drift"))]


def drift_warnings(result: Result) -> dict[str, list[str]]:
    """Resource name -> the warnings the program logged under it: what a plain preview prints."""
    found: dict[str, list[str]] = {}
    for diagnostic in result.diagnostics:
        if diagnostic.severity == "warning" and diagnostic.urn:
            found.setdefault(diagnostic.urn.rsplit("::", 1)[-1], []).append(diagnostic.message)
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


ORG_RESOURCE = "pulumi-python:dynamic/orgaccess:OrgAccess ({org}):"


def plain_preview(stack: Stack) -> Result:
    """`pulumi preview` without flags, as a person types it."""
    return stack.preview(diff=False).check()


def shown_under(result: Result, org: str) -> list[str]:
    """The lines a plain preview prints under `org`'s resource in its Diagnostics section."""
    text = result.stdout.split("Diagnostics:", 1)[-1]
    block = text.split(ORG_RESOURCE.format(org=org), 1)
    if len(block) == 1:
        return []
    lines = block[1].split("\n\n", 1)[0].strip().splitlines()
    return [line.strip().removeprefix("warning: ") for line in lines]


def shown_in_previews(stack: Stack, org: str, times: int = 2) -> list[tuple[set[str], list[str]]]:
    """For `times` plain previews in a row: the resources warned of, and the lines shown under `org`."""
    return [(set(drift_warnings(r)), shown_under(r, org)) for r in (plain_preview(stack) for _ in range(times))]


def kept_drift(stack: Stack) -> list[str]:
    """The urns of the resources whose state holds drift, in its inputs or outputs."""
    resources = stack.export()["deployment"]["resources"]
    return [r["urn"] for r in resources if "drift" in r.get("inputs", {}) or "drift" in r.get("outputs", {})]


def diff_of(result: Result, org: str) -> str:
    """What `pulumi preview --diff` prints of `org`'s resource before its spec: the drift, the org."""
    return result.stdout.split(f"OrgAccess::{org}]", 1)[1].split("spec", 1)[0]


def fixed_notes(result: Result) -> list[str]:
    """What an `up` said it fixed, one line per object and field."""
    return [d.message for d in result.diagnostics if d.message.startswith("orgaccess: ") and ": fixed " in d.message]


def doc_snippet(path: str, marker: str) -> list[str]:
    """The lines of the code block after `<!-- snippet: marker -->` in the document at `path`, stripped."""
    text = (PROJECT_DIR / path).read_text().split(f"<!-- snippet: {marker} -->", 1)[1]
    block = text.split("```", 2)[1]
    return [line.strip() for line in block.splitlines() if line.strip()]
