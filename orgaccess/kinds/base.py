"""What every kind provides, so that one generic driver reconciles them all.

A kind turns declared properties into a live observation (through the shared
snapshot), converges the platform to the declaration, and deletes or releases. The
driver (`orgaccess.reconcile`) and the Pulumi providers know nothing else about it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from orgaccess.snapshot import Fleet

Props = Mapping[str, Any]


class KindError(Exception):
    """A reconcile step cannot proceed; the message says what and how to fix it."""


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
class Kind:
    """One managed kind: `pulumi-python:dynamic/orgaccess:<name>`."""

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

    def resource_id(self, props: Props) -> str:
        return "/".join(str(props[f]) for f in self.identity)

    def org_of(self, props: Props) -> str:
        return str(props.get("org") or props["homeOrg"])
