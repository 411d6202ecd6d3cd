"""The generic driver: one implementation of check/diff/create/read/update/delete for every kind.

The Pulumi providers call these and only translate results; `orgaccess drift` calls
`drift_of`. Errors that a user can fix come back as one clear line: `KindError` and
the client's typed `PlatformError`s carry messages written for people.

A composite kind (an org's `OrgAccess`) is driven part by part through the same functions:
its drift is its objects' drift, each record naming the object. The caller passes the `Fleet`
(the providers their process's, `orgaccess drift` its own).
"""

from __future__ import annotations

import sys
from typing import Any

from orgaccess.drift import Drift, as_records, compare
from orgaccess.kinds.base import (
    FAILED,
    OBJECTS,
    Composite,
    Kind,
    KindError,
    Props,
    known_objects,
    label,
    objects_output,
)
from orgaccess.platform.errors import PlatformError
from orgaccess.snapshot import Fleet

# Input properties that describe, rather than declare: never a reason to change.
DRIFT_KEY = "drift"
# Set by the program in a preview (`pulumi.runtime.is_dry_run()`), never kept: `check` then adds the
# drift records to the inputs, for people and for `--json`. In an `up` it does not, so the state
# never keeps a drift that the `up` fixed, and the next preview shows every drift as new.
PREVIEW_KEY = "__preview"
AnyKind = Kind | Composite


def drift_of(fleet: Fleet, kind: AnyKind, props: Props) -> list[Drift]:
    """Every drifted field of the objects `kind`'s resource holds (one object, or an org's parts)."""
    return [found for part_kind, part in kind.objects(props) for found in _object_drift(fleet, part_kind, part)]


def _object_drift(fleet: Fleet, kind: Kind, props: Props) -> list[Drift]:
    observed = kind.observe(fleet, props)
    return compare(
        org=kind.org_of(props),
        kind=kind.name,
        name=kind.resource_id(props),
        declared=props,
        actual=observed.props,
        fields=kind.fields,
        unfixable=observed.unfixable,
    )


def check(fleet: Fleet, kind: AnyKind, news: Props) -> dict[str, Any]:
    """The declared inputs; in a preview with drift, plus its records under `drift`.

    The platform is read in every check, preview or not: an org that cannot be read stops the
    deployment here, before anything is written.
    """
    drift = drift_of(fleet, kind, news)
    declared = {k: v for k, v in news.items() if k not in (DRIFT_KEY, PREVIEW_KEY)}
    return {**declared, DRIFT_KEY: as_records(drift)} if drift and news.get(PREVIEW_KEY) else declared


def _declared(props: Props) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != DRIFT_KEY and not k.startswith("__")}


def diff(fleet: Fleet, kind: AnyKind, olds: Props, news: Props) -> tuple[bool, list[str]]:
    """(changes, replaces): a change when the declaration changed or the platform drifted."""
    replaces = [f for f in kind.identity if olds.get(f) != news.get(f)]
    declared = _declared(news)
    inputs_changed = any(value != olds.get(key) for key, value in declared.items())
    # A part that failed last time is tried again, even if the platform has since been fixed by hand:
    # the update is what clears the recorded failure.
    return bool(replaces or inputs_changed or olds.get(FAILED) or drift_of(fleet, kind, news)), replaces


def create(fleet: Fleet, kind: AnyKind, props: Props) -> tuple[str, dict[str, Any]]:
    return kind.resource_id(props), _fixed(fleet, kind, _declared(props), {})


def update(fleet: Fleet, kind: AnyKind, olds: Props, news: Props) -> dict[str, Any]:
    return _fixed(fleet, kind, _declared(news), olds)


def _fixed(fleet: Fleet, kind: AnyKind, props: Props, prior: Props) -> dict[str, Any]:
    """Converges, then says per object what it fixed: the drift before, less what could not converge.

    The drift before is read from the snapshot that this process's `check` filled, so saying it
    costs no call to the platform.
    """
    before = drift_of(fleet, kind, props)
    outs, failed = _converge(fleet, kind, props, prior)
    for found in before:
        if found.object not in failed:
            note(f"{found.org}, {found.object}: fixed {found.describe()}")
    return outs


def _converge(fleet: Fleet, kind: AnyKind, props: Props, prior: Props) -> tuple[dict[str, Any], set[str]]:
    """(outputs, the objects that could not converge)."""
    if isinstance(kind, Kind):
        outs = kind.converge(fleet, props, prior)
        if not prior and outs.get("adopted"):
            note(f"{kind.name} {kind.resource_id(props)}: adopted the existing object of the same name")
        return outs, set()
    # Every object of the org converges that can. What could not is kept in the outputs, not raised:
    # a Python dynamic provider cannot save a partly converged resource, and the objects it did make
    # must be in the state (program.fail_on_part_failures fails the `up` with them afterwards).
    known = known_objects(prior)
    objects: dict[str, Any] = {}
    failures: dict[str, str] = {}
    for part_kind, part in kind.objects(props):
        name = label(part_kind, part)
        try:
            outs, _ = _converge(fleet, part_kind, part, known.get(name) or {})
        except (KindError, PlatformError) as exc:
            failures[name] = f"{kind.org_of(props)}, {name}: {exc}"
            continue
        objects[name] = {k: v for k, v in outs.items() if k not in part}
    # Objects no longer declared go, as their own resources went: bindings before their roles. A
    # failed delete raises, so the state keeps the prior declaration that still names the object.
    declared = {label(part_kind, part) for part_kind, part in kind.objects(props)}
    gone = [(part_kind, part) for part_kind, part in kind.objects(prior) if label(part_kind, part) not in declared]
    for part_kind, part in reversed(gone):
        _delete_part(fleet, part_kind, part, known)
    return {**props, OBJECTS: objects_output(objects), FAILED: list(failures.values())}, set(failures)


def read(fleet: Fleet, kind: AnyKind, props: Props) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(outputs, inputs) as live now, or None when the object is gone."""
    if isinstance(kind, Composite):
        return _read_parts(fleet, kind, props)
    observed = kind.observe(fleet, props)
    if observed.props is None:
        return None
    inputs = {**_declared(props), **observed.props}
    return {**props, **observed.props, **observed.facts}, inputs


def _read_parts(fleet: Fleet, kind: Composite, props: Props) -> tuple[dict[str, Any], dict[str, Any]]:
    # An object gone from the platform leaves the list, so the next preview shows it missing.
    known = known_objects(props)
    declared = kind.listed(props)
    listed: dict[str, list[dict[str, Any]]] = {}
    objects: dict[str, Any] = {}
    for key, part_kind in kind.parts:
        listed[key] = []
        for part in declared[key]:
            found = read(fleet, part_kind, part)
            if found is not None:
                listed[key].append({k: found[1][k] for k in part})
                name = label(part_kind, part)
                objects[name] = {**(known.get(name) or {}), **{k: v for k, v in found[0].items() if k not in part}}
    outputs_only = (OBJECTS, FAILED)
    inputs = {k: v for k, v in _declared(props).items() if k not in outputs_only}
    inputs |= kind.declared(kind.org_of(props), listed)
    # A refresh records the platform as it is; a failure of the last `up` is not part of that.
    return {**inputs, OBJECTS: objects_output(objects), FAILED: []}, inputs


def delete(fleet: Fleet, kind: AnyKind, props: Props) -> None:
    if isinstance(kind, Composite):
        known = known_objects(props)
        # Bindings before the roles they grant.
        for part_kind, part in reversed(list(kind.objects(props))):
            _delete_part(fleet, part_kind, part, known)
        return
    if props.get("adopted"):
        note(f"{kind.name} {kind.resource_id(props)}: released (adopted, so left on the platform)")
        return
    kind.delete(fleet, props)


def _delete_part(fleet: Fleet, kind: Kind, part: Props, known: dict[str, dict[str, Any]]) -> None:
    """Deletes one object of a composite, with what its kind kept of it (ids, adopted)."""
    delete(fleet, kind, {**part, **(known.get(label(kind, part)) or {})})


def note(message: str) -> None:
    # pulumi.log does not reach the engine from a provider process (pulumi#6065).
    print(f"orgaccess: {message}", file=sys.stderr, flush=True)
