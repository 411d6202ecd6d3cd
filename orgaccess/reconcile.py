"""The generic driver: one implementation of check/diff/create/read/update/delete for every kind.

The Pulumi providers call these and only translate results; `orgaccess drift` calls
`drift_of`. Errors that a user can fix come back as one clear line: `KindError` and
the client's typed `PlatformError`s carry messages written for people.
"""

from __future__ import annotations

import sys
from typing import Any

from orgaccess import session
from orgaccess.drift import Drift, compare
from orgaccess.kinds.base import Kind, Props

# Input properties that describe, rather than declare: never a reason to change.
DRIFT_KEY = "drift"


def drift_of(kind: Kind, props: Props) -> list[Drift]:
    observed = kind.observe(session.fleet(), props)
    return compare(
        org=kind.org_of(props),
        kind=kind.name,
        name=kind.resource_id(props),
        declared=props,
        actual=observed.props,
        fields=kind.fields,
        unfixable=observed.unfixable,
    )


def check(kind: Kind, news: Props) -> dict[str, Any]:
    """The inputs, plus the live drift spelled out, so a plain preview shows which fields differ."""
    return {**news, DRIFT_KEY: [d.describe() for d in drift_of(kind, news)]}


def _declared(props: Props) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != DRIFT_KEY and not k.startswith("__")}


def diff(kind: Kind, olds: Props, news: Props) -> tuple[bool, list[str]]:
    """(changes, replaces): a change when the declaration changed or the platform drifted."""
    replaces = [f for f in kind.identity if olds.get(f) != news.get(f)]
    declared = _declared(news)
    inputs_changed = any(value != olds.get(key) for key, value in declared.items())
    return bool(replaces or inputs_changed or drift_of(kind, news)), replaces


def create(kind: Kind, props: Props) -> tuple[str, dict[str, Any]]:
    outs = kind.converge(session.fleet(), _declared(props), {})
    if outs.get("adopted"):
        note(f"{kind.name} {kind.resource_id(props)}: adopted the existing object of the same name")
    return kind.resource_id(props), outs


def update(kind: Kind, olds: Props, news: Props) -> dict[str, Any]:
    return kind.converge(session.fleet(), _declared(news), olds)


def read(kind: Kind, props: Props) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(outputs, inputs) as live now, or None when the object is gone."""
    observed = kind.observe(session.fleet(), props)
    if observed.props is None:
        return None
    inputs = {**_declared(props), **observed.props}
    return {**props, **observed.props, **observed.facts}, inputs


def delete(kind: Kind, props: Props) -> None:
    if props.get("adopted"):
        note(f"{kind.name} {kind.resource_id(props)}: released (adopted, so left on the platform)")
        return
    kind.delete(session.fleet(), props)


def note(message: str) -> None:
    # pulumi.log does not reach the engine from a provider process (pulumi#6065).
    print(f"orgaccess: {message}", file=sys.stderr, flush=True)
