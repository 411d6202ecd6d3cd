"""The generic driver: one implementation of check/diff/create/read/update/delete for every kind.

The Pulumi providers call these and only translate results; `orgaccess drift` calls
`drift_of`. Errors that a user can fix come back as one clear line: `KindError` and
the client's typed `PlatformError`s carry messages written for people.

A `Kind` and a `Composite` (an org's `OrgAccess`) speak one resource protocol (kinds/base:
`objects`, `converge_resource`, `unconverged`, `read_resource`, `delete_resource`), so nothing here
asks which it holds: a resource's drift is its objects' drift, each record naming the object. The
caller passes the `Fleet` (the providers their process's, `orgaccess drift` its own).
"""

from __future__ import annotations

from typing import Any

from orgaccess.reconciler.drift import Drift, as_records, compare
from orgaccess.reconciler.kinds.base import FAILED, Composite, Kind, Props, note
from orgaccess.reconciler.snapshot import Fleet

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
    # A create of objects this run has just read as declared has nothing to write (no prior objects
    # to delete, no secret to rotate), so it converges on those reads: at a fleet's first `up`, two
    # thirds of the creates, 6 calls an org on genesys-cloud. Any other converge reads afresh what it writes on.
    with fleet.converging(on_reads_made=not prior and not before):
        outs = kind.converge_resource(fleet, props, prior)
    failed = kind.unconverged(props, outs)
    for found in before:
        if found.object not in failed:
            note(f"{found.org}, {found.object}: fixed {found.describe()}")
    return outs


def read(fleet: Fleet, kind: AnyKind, props: Props) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(outputs, inputs) as live now, or None when the object is gone."""
    return kind.read_resource(fleet, props)


def delete(fleet: Fleet, kind: AnyKind, props: Props) -> None:
    with fleet.converging():
        kind.delete_resource(fleet, props)
