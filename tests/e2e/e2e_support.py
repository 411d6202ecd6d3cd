"""What the end-to-end tests share: the seed-403 cast and reading drift out of a preview."""

from __future__ import annotations

import re

ADMIN = ("orgaccess-admin", "s3cret-admin")
APP = ("premium-app", "s3cret-app")
PARTNERS = ("org-partner-a", "org-partner-b", "org-partner-c", "org-partner-d")
ORGS = ("org-primary", *PARTNERS)


def drift_by_resource(preview_output: str) -> dict[str, list[str]]:
    """Object (kind::org/name) -> the drift lines the preview shows for it now.

    An org's OrgAccess resource shows each object's drift as `Kind name: text`; it is filed
    under that object. The state keeps the drift seen at the last `up`, so a changed line
    reads `old => new`; a line marked `-` is drift that went away.
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
            text = item.group(2).split(" => ")[-1].strip('"')
            key = current
            if current.startswith("OrgAccess::"):
                kind, _, rest = text.partition(" ")
                name, _, text = rest.partition(": ")
                key = f"{kind}::{current.removeprefix('OrgAccess::')}/{name}"
            found.setdefault(key, []).append(text)
        elif in_drift and re.match(r"\s+-\s+\[\d+\]: ", line):
            continue
        else:
            in_drift = False
    return found


def failed_resources(up_output: str) -> dict[str, str]:
    """Object (org/name) -> its error, for the objects an `up` could not converge.

    An org's resource saves what converged and lists the rest; the program then fails the `up`
    with one line per object: `org, Kind name: error`.
    """
    lines = re.findall(r"(?m)^\s+([\w-]+), \w+ ([^:]+): (.*)$", up_output)
    return {f"{org}/{name}": error for org, name, error in lines}


def assert_drift(preview_output: str, expected: dict[str, str]) -> None:
    """The preview shows drift on exactly the `expected` resources, each starting with its text."""
    drift = drift_by_resource(preview_output)
    assert set(drift) == set(expected)
    assert {resource: drift[resource][0][: len(text)] for resource, text in expected.items()} == expected
