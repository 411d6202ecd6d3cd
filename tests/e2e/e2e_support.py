"""What the end-to-end tests share: the seed-403 cast and reading drift out of a preview."""

from __future__ import annotations

import re

ADMIN = ("orgaccess-admin", "s3cret-admin")
APP = ("premium-app", "s3cret-app")
PARTNERS = ("org-partner-a", "org-partner-b", "org-partner-c", "org-partner-d")
ORGS = ("org-primary", *PARTNERS)


def drift_by_resource(preview_output: str) -> dict[str, list[str]]:
    """Resource (type::name) -> the drift lines the preview shows for it now.

    The state keeps the drift seen at the last `up`, so a changed line reads `old => new`;
    a line marked `-` is drift that went away.
    """
    found: dict[str, list[str]] = {}
    current, in_drift = "", False
    for line in preview_output.splitlines():
        urn = re.search(r"\[urn=urn:pulumi:[^:]+::[^:]+::pulumi-python:dynamic/orgaccess:(\w+)::(.+)\]", line)
        item = re.match(r'\s+([~+]\s+)?\[\d+\]: (".*")$', line)
        if urn:
            current, in_drift = f"{urn.group(1)}::{urn.group(2)}", False
        elif re.match(r"\s+[~+]?\s*drift\s*: \[", line):
            in_drift = True
        elif in_drift and item:
            found.setdefault(current, []).append(item.group(2).split(" => ")[-1].strip('"'))
        elif in_drift and re.match(r"\s+-\s+\[\d+\]: ", line):
            continue
        else:
            in_drift = False
    return found


def failed_resources(up_output: str) -> dict[str, str]:
    """Resource name -> its error, for the resources an `up` failed."""
    found = re.findall(r"pulumi-python:dynamic/orgaccess:\w+ \(([^)]+)\):\n\s+error: (.*)", up_output)
    return dict(found)


def assert_drift(preview_output: str, expected: dict[str, str]) -> None:
    """The preview shows drift on exactly the `expected` resources, each starting with its text."""
    drift = drift_by_resource(preview_output)
    assert set(drift) == set(expected)
    assert {resource: drift[resource][0][: len(text)] for resource, text in expected.items()} == expected
