"""A kind that exists only in tests, to prove that a kind lives in one module (ARCHITECTURE.md, Kinds).

`GrantNote`: the reason a grant was declared, one per binding with a justification, kept in the
org's `OrgAccess` resource. It reads a platform of its own (`NOTES`, a fake in memory) through the
shared snapshot, as the real kinds read theirs, and writes nothing there; in an engine process that
platform is empty, so a note always reads as absent (drift that the provider computes, so a preview
shows that the provider process knows the kind). Everything else about it (how it is planned,
what it reads for an org, its review line, its drift-page column) is here and nowhere else, and
`registered()` adds it to the registry as a part of `OrgAccess`.

Engine processes (the program, the providers, the policy pack) get it through
tests/throwaway_site/sitecustomize.py, which Python imports at start-up from PYTHONPATH.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from orgaccess.declarations.access_yaml import Declarations, OrgDecl
from orgaccess.deploy import policy_rules
from orgaccess.deploy.policy_rules import Config, ResourceRule
from orgaccess.platform.dialect import Dialect
from orgaccess.reconciler.kinds import org_access, register, unregister
from orgaccess.reconciler.kinds.base import Change, Desired, Kind, Observed, Props
from orgaccess.reconciler.snapshot import Fleet

# Where the notes are listed in an org's `spec`.
KEY = "notes"


def plan(decls: Declarations, _platform: Dialect) -> Iterator[Desired]:
    for org in decls.orgs:
        for binding in org.bindings:
            if binding.justification:
                note = {"org": org.id, "serviceAccount": binding.serviceAccount, "text": binding.justification}
                yield KIND.desired(note)


class FakeNotes:
    """The notes platform: `{org: {account: text}}`, and how many times each org was read."""

    def __init__(self) -> None:
        self.notes: dict[str, dict[str, str]] = {}
        self.reads: dict[str, int] = {}
        self._lock = threading.Lock()

    def list_notes(self, org: str) -> dict[str, str]:
        with self._lock:
            self.reads[org] = self.reads.get(org, 0) + 1
        return dict(self.notes.get(org, {}))


NOTES = FakeNotes()


def notes(fleet: Fleet, org: str) -> dict[str, str]:
    """The notes of `org` by account: one part of the shared snapshot, read once."""
    return fleet.part(("notes", org), lambda: NOTES.list_notes(org))


def read(fleet: Fleet, _dialect: Dialect, _decls: Declarations, org: OrgDecl) -> None:
    notes(fleet, org.id)


def observe(fleet: Fleet, props: Props) -> Observed:
    text = notes(fleet, props["org"]).get(props["serviceAccount"])
    return Observed(None if text is None else {"text": text})


def converge(_fleet: Fleet, props: Props, _prior: Props) -> dict[str, Any]:
    return {**props, "adopted": False}


def delete(_fleet: Fleet, _props: Props) -> None:
    """Nothing was written, so nothing is deleted."""


def review(change: Change) -> str | None:
    before, after = change.before.get("text"), change.after.get("text")
    return None if before == after else f"Note on {change.props['serviceAccount']}{change.marker}: {after or '—'}"


KIND = Kind(
    name="GrantNote",
    column="notes",
    review=review,
    plan=plan,
    identity=("org", "serviceAccount"),
    fields=("text",),
    observe=observe,
    converge=converge,
    delete=delete,
    read=read,
)


def note_names_the_ticket(props: Props, _config: Config) -> Iterator[str]:
    """A rule about the kind, for the test: a note names its ticket (`SEC-<n>`)."""
    if "SEC-" not in props["text"]:
        yield f"the note on '{props['serviceAccount']}' in org '{props['org']}' names no SEC- ticket"


RULE = ResourceRule("note-names-the-ticket", "A grant note names its ticket.", False, KIND.name, note_names_the_ticket)


@contextmanager
def registered() -> Iterator[None]:
    """The kind as a part of `OrgAccess`, and its rule in the pack, for the duration."""
    install()
    try:
        yield
    finally:
        unregister(KIND)
        policy_rules.RULES = tuple(r for r in policy_rules.RULES if r is not RULE)


def install() -> None:
    """For good, in an engine process: `pulumi` runs the program, providers and pack as their own processes."""
    register(KIND, part_of=org_access.KIND, key=KEY)
    # The pack reads RULES when it starts; a rule is not part of a kind, so a test adds its own here.
    policy_rules.RULES = (*policy_rules.RULES, RULE)
