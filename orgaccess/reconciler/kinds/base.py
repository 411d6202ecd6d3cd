"""What every kind provides, so that one generic driver reconciles them all.

A kind turns declared properties into a live observation (through the shared
snapshot), converges the platform to the declaration, and deletes or releases. It also
says everything else about itself: how it is planned from the declarations, what it reads
for an org (its parts of the snapshot, which the warm-up reads ahead), how export writes its
live objects back into access.yaml, what its resource keeps, its line in a review and its
column on the drift page. The driver
(`orgaccess.reconciler.reconcile`), the program, the review, the policy pack and the providers
reach it through the registry (`orgaccess.reconciler.kinds`) and know nothing else about it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from orgaccess.declarations.access_yaml import Declarations, OrgDecl
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.errors import PlatformError
from orgaccess.platform.models import OAuthClient
from orgaccess.reconciler.drift import object_label
from orgaccess.reconciler.snapshot import Fleet

Props = Mapping[str, Any]


class KindError(Exception):
    """A reconcile step cannot proceed; the message says what and how to fix it."""


class UnkeptSecret(KindError):
    """A new secret asked of a run that skips the engine's checkpoints: nothing but the state would
    know it, and a killed run never writes its state (orgaccess fleet runs such a step again with them)."""

    PHRASE = "needs the engine's checkpoints"


class ContractRequired(KindError):
    """The platform allows this change only through a contract, never through the API."""


@dataclass(frozen=True)
class Observed:
    """The live object in the declaration's shape; `props` None means absent."""

    props: dict[str, Any] | None
    # Platform facts worth keeping in the state (ids, built-in flags).
    facts: dict[str, Any] = field(default_factory=dict)
    # Field -> why the platform will not let it be changed by API.
    unfixable: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Desired:
    """One object to reconcile, planned from the declarations by its kind."""

    kind: str
    # The resource name, readable in `pulumi preview`: `org-partner-a/Recording Analyst`.
    name: str
    org: str
    props: dict[str, Any]
    # Keys of the objects that must exist first.
    depends_on: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)


@dataclass(frozen=True)
class Change:
    """One object in a preview, for its review line: `old`/`new` are its declared inputs (None: absent)."""

    op: str
    kind: str
    old: Props | None
    new: Props | None

    @property
    def props(self) -> Props:
        return self.new if self.new is not None else self.old or {}

    @property
    def before(self) -> Props:
        return self.old or {}

    @property
    def after(self) -> Props:
        return self.new or {}

    @property
    def marker(self) -> str:
        """What a review adds to the object's name: new, or no longer declared."""
        return {"create": " (new)", "delete": " (no longer declared)"}.get(self.op, "")


def delta(old: Iterable[str], new: Iterable[str]) -> str:
    """A set's change for a review line: `+ added, - removed`, empty when equal."""
    before, after = set(old), set(new)
    return ", ".join([f"+ {x}" for x in sorted(after - before)] + [f"- {x}" for x in sorted(before - after)])


@dataclass(frozen=True)
class Exporting:
    """What `orgaccess export` reads the live state with: the snapshot, the dialect, the home org,
    and the home org's accounts it declares."""

    fleet: Fleet
    dialect: Dialect
    home_org: str
    accounts: tuple[OAuthClient, ...]


class FlowList(list[Any]):
    """A list that export writes on one line: `[a, b]`."""


class FlowMap(dict[str, Any]):
    """A mapping that export writes on one line: `{a: true}`."""


def _no_entries(_exporting: Exporting, _where: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Exporter:
    """How a kind's live objects are written back into access.yaml by `orgaccess export`."""

    # Its entries in one org's mapping (`licenses`, `bindings`), read through the snapshot; the
    # orgs are read side by side.
    org: Callable[[Exporting, str], dict[str, Any]] = _no_entries
    # Its entries at the top of the file (`serviceAccounts`, `roles`), given every exported org once
    # each is read; raises KindError when the live state cannot be declared as it is.
    top: Callable[[Exporting, list[str]], dict[str, Any]] = _no_entries


def _reads_nothing(_fleet: Fleet, _dialect: Dialect, _decls: Declarations, _org: OrgDecl) -> None:
    """A kind that keeps nothing on the platform reads nothing there."""


@dataclass(frozen=True)
class Kind:
    """One managed kind: `pulumi-python:dynamic/orgaccess:<name>`, or a part of a `Composite`."""

    name: str
    # The declared fields compared with the platform.
    fields: tuple[str, ...]
    # The fields that name the object; changing one replaces it.
    identity: tuple[str, ...]
    observe: Callable[[Fleet, Props], Observed]
    # Makes the platform match `props`; `prior` is the state's outputs (empty on create).
    # Returns the outputs to keep, `adopted` among them on create.
    converge: Callable[[Fleet, Props, Props], dict[str, Any]]
    # Deletes what orgaccess made; releases (leaves alone) what it adopted.
    delete: Callable[[Fleet, Props], None]
    # Its objects in the declarations, each org's in file order; only kinds listed before it in the
    # registry may be named in `depends_on`.
    plan: Callable[[Declarations, Dialect], Iterable[Desired]]
    # Its line in a review (orgaccess.reports.review), None when its declaration did not change.
    review: Callable[[Change], str | None]
    # Its column on the drift page (orgaccess.reports.health).
    column: str
    # Reads, through the snapshot, what its objects declared in one org will observe: the warm-up
    # (orgaccess.deploy.warmup) calls it for every org ahead of the engine.
    read: Callable[[Fleet, Dialect, Declarations, OrgDecl], None] = _reads_nothing
    # How export writes its live objects back into access.yaml; by default it writes none.
    export: Exporter = Exporter()
    # What its resource keeps beyond the inputs, when it is a resource of its own; the secret ones
    # are encrypted in the state and masked in every output.
    outputs: tuple[str, ...] = ()
    secret_outputs: tuple[str, ...] = ()

    def resource_id(self, props: Props) -> str:
        return "/".join(str(props[f]) for f in self.identity)

    def key_of(self, *identity: str) -> tuple[str, str]:
        """The key of the object named by these values of `identity`, for `Desired.depends_on`."""
        return (self.name, "/".join(identity))

    def desired(self, props: Props, depends_on: Iterable[tuple[str, str]] = ()) -> Desired:
        return Desired(self.name, self.resource_id(props), self.org_of(props), dict(props), tuple(depends_on))

    def org_of(self, props: Props) -> str:
        return str(props.get("org") or props["homeOrg"])

    def name_of(self, props: Props) -> str:
        """The object's name within its org: `Recording Analyst`."""
        return str(props[self.identity[-1]])

    def objects(self, props: Props) -> Iterator[tuple[Kind, Props]]:
        """The objects its resource holds: this one object, none when absent (a `Composite` holds several)."""
        if props:
            yield self, props

    # The resource protocol, which `Composite` speaks too: the driver (orgaccess.reconciler.reconcile) calls
    # these with the fleet it was given, and never asks which of the two it holds.

    def converge_resource(self, fleet: Fleet, props: Props, prior: Props) -> dict[str, Any]:
        """Makes the platform match `props` (adopting an object of the same name on create); raises
        when it cannot."""
        outs = self.converge(fleet, props, prior)
        if not prior and outs.get("adopted"):
            note(f"{self.name} {self.resource_id(props)}: adopted the existing object of the same name")
        return outs

    def unconverged(self, _props: Props, _outs: Props) -> set[str]:
        """The objects (`label`) a converge that returned `outs` left as they were: none, it raises instead."""
        return set()

    def read_resource(self, fleet: Fleet, props: Props) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(outputs, inputs) as live now, or None when the object is gone."""
        observed = self.observe(fleet, props)
        if observed.props is None:
            return None
        inputs = {**_inputs(props), **observed.props}
        return {**props, **observed.props, **observed.facts}, inputs

    def delete_resource(self, fleet: Fleet, props: Props) -> None:
        """Deletes what orgaccess made, releases (leaves on the platform) what it adopted."""
        if props.get("adopted"):
            note(f"{self.name} {self.resource_id(props)}: released (adopted, so left on the platform)")
            return
        self.delete(fleet, props)


@dataclass(frozen=True)
class Composite:
    """Several kinds' objects in one resource, each still observed, compared and converged by its kind.

    The engine's cost is per resource and per property value it walks when it saves the state, after
    every step that changes it (bench/results/profile.md). So an org's objects are one resource, and
    the lists of them are one JSON string, `props["spec"]`: `{key: [object props]}`, keys as in
    `parts`. The engine shows a change of it as a JSON diff. What each object keeps once converged
    (ids, adopted) is one JSON string too, `outputs["objects"]`: `{label: {field: value}}`.
    """

    name: str
    identity: tuple[str, ...]
    # (key in the spec, the kind of the objects listed under it), in the order they converge.
    # A list, so that `orgaccess.reconciler.kinds.register` can add a part.
    parts: list[tuple[str, Kind]]
    outputs: tuple[str, ...] = ()
    secret_outputs: tuple[str, ...] = ()
    # The parts that are parts on some platforms only, elsewhere resources of their own: key -> whether
    # they are parts here on a dialect.
    only_where: Mapping[str, Callable[[Dialect], bool]] = field(default_factory=dict)

    def holds(self, key: str, dialect: Dialect | None) -> bool:
        """Whether the objects listed under `key` are parts of this composite on `dialect` (None: on every one)."""
        return key not in self.only_where or (dialect is not None and self.only_where[key](dialect))

    def resource_id(self, props: Props) -> str:
        return "/".join(str(props[f]) for f in self.identity)

    def org_of(self, props: Props) -> str:
        return str(props["org"])

    def declared(self, org: str, listed: Mapping[str, list[dict[str, Any]]]) -> dict[str, Any]:
        # A part held on some platforms only is written where it lists objects: elsewhere the spec
        # stays the string a stack saved before the part existed, so the engine sees no change.
        spec = {
            key: list(listed.get(key) or ()) for key, _ in self.parts if listed.get(key) or key not in self.only_where
        }
        return {"org": org, SPEC: _encode(spec)}

    def desired(
        self, org: str, listed: Mapping[str, list[dict[str, Any]]], depends_on: Iterable[tuple[str, str]] = ()
    ) -> Desired:
        """The org's resource holding `listed`: `{key: [object props]}`."""
        return Desired(self.name, org, org, self.declared(org, listed), tuple(depends_on))

    def listed(self, props: Props) -> dict[str, list[dict[str, Any]]]:
        spec = _decode(props.get(SPEC))
        return {key: spec.get(key) or [] for key, _ in self.parts}

    def objects(self, props: Props) -> Iterator[tuple[Kind, Props]]:
        """The objects its resource holds, in the order they converge."""
        listed = self.listed(props)
        for key, kind in self.parts:
            for part in listed[key]:
                yield kind, part

    def converge_resource(self, fleet: Fleet, props: Props, prior: Props) -> dict[str, Any]:
        """Converges every object that can, and deletes those no longer declared.

        What could not converge is kept in the outputs (`failed`), not raised: a Python dynamic
        provider cannot save a partly converged resource, and the objects it did make must be in the
        state (program.fail_on_part_failures fails the `up` with them afterwards).
        """
        known = known_objects(prior)
        objects: dict[str, Any] = {}
        # What an object that could not converge kept before: its secret stays (the platform never
        # shows a client's secret again), though the object is not among those converged.
        carried: dict[str, Any] = {}
        failures: list[str] = []
        for kind, part in self.objects(props):
            name = label(kind, part)
            outs, failure = _converged(fleet, kind, part, known.get(name) or {})
            if failure is not None:
                failures.append(f"{self.org_of(props)}, {name}: {failure}")
                carried[name] = known.get(name) or {}
                continue
            objects[name] = {k: v for k, v in outs.items() if k not in part}
        # Objects no longer declared go, as their own resources went: bindings before their roles. A
        # failed delete raises, so the state keeps the prior declaration that still names the object.
        declared = {label(kind, part) for kind, part in self.objects(props)}
        gone = [(kind, part) for kind, part in self.objects(prior) if label(kind, part) not in declared]
        self._delete_objects(fleet, gone, known)
        return {**props, **self.kept(objects, carried), FAILED: failures}

    def kept(
        self, objects: Mapping[str, Mapping[str, Any]], carried: Mapping[str, Mapping[str, Any]] | None = None
    ) -> dict[str, Any]:
        """What the `objects` keep, as outputs: their secret fields (a kind's `secret_outputs`) apart,
        in `secrets`, which the state encrypts, with those of the objects `carried` over unconverged;
        that output only where there is a secret to keep."""
        secret = {field for _, kind in self.parts for field in kind.secret_outputs}
        split = {name: _split(kept, secret) for name, kept in {**(carried or {}), **objects}.items()}
        plain = {name: split[name][0] for name in objects}
        hidden = {name: hidden for name, (_, hidden) in split.items() if hidden}
        return {OBJECTS: objects_output(plain), **({SECRETS: _encode(hidden)} if hidden else {})}

    def unconverged(self, props: Props, outs: Props) -> set[str]:
        """The objects (`label`) a converge that returned `outs` could not converge: those it kept nothing of."""
        return {label(kind, part) for kind, part in self.objects(props)} - set(_decode(outs.get(OBJECTS)))

    def read_resource(self, fleet: Fleet, props: Props) -> tuple[dict[str, Any], dict[str, Any]]:
        """(outputs, inputs) as live now: an object gone from the platform leaves the spec, so the
        next preview shows it missing."""
        known = known_objects(props)
        declared = self.listed(props)
        listed: dict[str, list[dict[str, Any]]] = {}
        objects: dict[str, Any] = {}
        for key, kind in self.parts:
            listed[key] = []
            for part in declared[key]:
                found = kind.read_resource(fleet, part)
                if found is not None:
                    listed[key].append({k: found[1][k] for k in part})
                    name = label(kind, part)
                    objects[name] = {**(known.get(name) or {}), **{k: v for k, v in found[0].items() if k not in part}}
        inputs = {k: v for k, v in _inputs(props).items() if k not in (OBJECTS, SECRETS, FAILED)}
        inputs |= self.declared(self.org_of(props), listed)
        # A refresh records the platform as it is; a failure of the last `up` is not part of that.
        return {**inputs, **self.kept(objects), FAILED: []}, inputs

    def delete_resource(self, fleet: Fleet, props: Props) -> None:
        self._delete_objects(fleet, list(self.objects(props)), known_objects(props))

    def _delete_objects(self, fleet: Fleet, objects: list[tuple[Kind, Props]], known: Mapping[str, Any]) -> None:
        """Deletes `objects` in reverse (bindings before the roles they grant), each with what its
        kind kept of it (ids, adopted)."""
        for kind, part in reversed(objects):
            kind.delete_resource(fleet, {**part, **(known.get(label(kind, part)) or {})})


def _converged(fleet: Fleet, kind: Kind, part: Props, prior: Props) -> tuple[dict[str, Any], Exception | None]:
    """One part converged: what it keeps, or why it could not converge."""
    try:
        return kind.converge_resource(fleet, part, prior), None
    except UnkeptSecret:
        # Fails the whole resource, before its write: the run is made again with checkpoints.
        raise
    except (KindError, PlatformError) as exc:
        return {}, exc


SPEC = "spec"
OBJECTS = "objects"
# What the objects keep that is secret (a client's secret): `{label: {field: value}}`, encrypted in the state.
SECRETS = "secrets"
# The objects of the last create or update that could not converge, one line each, for people.
FAILED = "failed"


def known_objects(props: Props) -> dict[str, dict[str, Any]]:
    """`{label: outputs}` of a composite's objects as last converged, their secrets among them (an object
    that could not converge since keeps only its secret)."""
    objects, secrets = _decode(props.get(OBJECTS)), _decode(props.get(SECRETS))
    return {name: {**objects.get(name, {}), **secrets.get(name, {})} for name in {**objects, **secrets}}


def _split(kept: Mapping[str, Any], secret: set[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What an object keeps: in the clear, and its `secret` fields that hold a secret."""
    return {k: v for k, v in kept.items() if k not in secret}, {k: v for k, v in kept.items() if k in secret and v}


def kept_field(output: Any, name: str, field: str) -> Any:
    """What object `name` keeps of `field`, read from a composite's `objects` or `secrets` output; None
    when it keeps none."""
    return _decode(output).get(name, {}).get(field)


def objects_output(objects: Mapping[str, Mapping[str, Any]]) -> str:
    return _encode(objects)


def _encode(value: Mapping[str, Any]) -> str:
    # Sorted and compact: equal declarations are equal strings, so the engine sees no change.
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _decode(text: Any) -> dict[str, Any]:
    return json.loads(text) if isinstance(text, str) and text else {}


def _inputs(props: Props) -> dict[str, Any]:
    # What a read keeps as inputs: not the engine's own properties (`__provider`).
    return {k: v for k, v in props.items() if not k.startswith("__")}


def note(message: str) -> None:
    """A line for the person running the engine; it shows in the run's Diagnostics.

    pulumi.log does not reach the engine from a provider process (pulumi#6065); stderr does.
    """
    # One write per line: print() writes the text and its newline apart, and threads converging other
    # orgs in the same process joined two notes into one line (test_up_says_which_existing_objects_it_adopted).
    sys.stderr.write(f"orgaccess: {message}\n")
    sys.stderr.flush()


def label(kind: Kind, props: Props) -> str:
    """An object within its org, as people name it: `Role Recording Analyst`."""
    return object_label(kind.name, kind.resource_id(props))
