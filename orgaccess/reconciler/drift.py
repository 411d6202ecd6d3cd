"""Drift records: declared against live, one record per differing field.

The providers (to decide and show a change) and `orgaccess drift` (to report it) build
the same records from the same comparison, so a preview and a drift report never
disagree. A record travels as its JSON form (`as_records` / `from_records`), the same in a
preview's `drift` input and in `orgaccess drift --format json`; no text is ever parsed back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from orgaccess.printable import escape

EXISTS = "exists"


class Drift(BaseModel):
    """One field of one object that differs between the declaration and the platform."""

    model_config = ConfigDict(frozen=True)

    org: str
    kind: str
    name: str
    field: str
    declared: Any
    actual: Any
    fixable: bool = True
    # Why it cannot be fixed by `pulumi up`, when it cannot.
    reason: str = ""

    @property
    def object(self) -> str:
        """The object within its org, as people name it: `Role Recording Analyst`."""
        return object_label(self.kind, self.name)

    def headline(self) -> str:
        """The record as a preview shows it: the object, the field, live and declared, and who can fix it."""
        return f"{self.object}: {self.describe()}" + ("; `pulumi up` fixes it" if self.fixable else "")

    def describe(self) -> str:
        """One line for people: `permissions: live [] -> declared ['recording:view']`."""
        if self.field == EXISTS:
            text = "missing on the platform" if self.declared else "present but not declared"
        elif self.declared is None:
            text = f"{self.field}: live {_show(self.actual)} -> not declared (the platform's default)"
        else:
            text = f"{self.field}: live {_show(self.actual)} -> declared {_show(self.declared)}"
        return f"{text} (NOT FIXABLE: {self.reason})" if not self.fixable else text


def object_label(kind: str, resource_id: str) -> str:
    """An object within its org, from its kind and resource id: `Role Recording Analyst`.

    The one spelling of an object's name: a drift record's `object` and a composite's part labels
    (kinds.base.label) must agree, since the fixed and the failed objects are matched by it.
    """
    return f"{kind} {resource_id.split('/', 1)[-1]}"


def _show(value: Any) -> str:
    # Live values come from the platform: a name there may hold terminal escapes or bidi overrides.
    if isinstance(value, list):
        return "[" + ", ".join(escape(str(v)) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


def _same(live: Any, wanted: Any) -> bool:
    # Lists are sets here (roles, permissions, scopes); a plain comparison, because the engine
    # checks every resource in turn and DeepDiff cost a millisecond per field (bench/results/profile.md).
    if isinstance(live, list) and isinstance(wanted, list):
        return {repr(v) for v in live} == {repr(v) for v in wanted}
    return bool(live == wanted) and type(live) is type(wanted)


def compare(
    *,
    org: str,
    kind: str,
    name: str,
    declared: Mapping[str, Any],
    actual: Mapping[str, Any] | None,
    fields: Iterable[str],
    unfixable: Mapping[str, str] | None = None,
) -> list[Drift]:
    """Every field in `fields` where `actual` differs from `declared` (lists as sets).

    `actual` None means the object does not exist on the platform; `unfixable` maps a
    field to the reason the platform will not let it be changed by API.
    """
    if actual is None:
        return [Drift(org=org, kind=kind, name=name, field=EXISTS, declared=True, actual=False)]
    wanted = {f: declared.get(f) for f in fields}
    live = {f: actual.get(f) for f in fields}
    changed = {f for f in fields if not _same(live[f], wanted[f])}
    reasons = unfixable or {}
    return [
        Drift(
            org=org,
            kind=kind,
            name=name,
            field=f,
            declared=wanted[f],
            actual=live[f],
            fixable=f not in reasons,
            reason=reasons.get(f, ""),
        )
        for f in fields
        if f in changed
    ]


def as_records(found: Iterable[Drift]) -> list[dict[str, Any]]:
    """The records as JSON values: a resource's `drift` input, and `orgaccess drift --format json`."""
    return [d.model_dump(mode="json") for d in found]


def from_records(value: Any) -> list[Drift]:
    """The records of a `drift` input (none when absent)."""
    return [Drift.model_validate(record) for record in value or ()]
