"""The resource types, as the program and the policy pack see them: one per registered kind.

A service account is one resource; everything else declared for an org is that org's
`OrgAccess` resource (orgaccess/reconciler/kinds/org_access.py). Each type is made from its kind
(`resource_type`): its name and outputs are the kind's. Roles, bindings and licenses have no type of
their own since 0.2 (providers/upgrade_0_1.py).
"""

from __future__ import annotations

import types
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from orgaccess.reconciler.kinds import KINDS
from orgaccess.reconciler.kinds.base import Composite, Kind
from orgaccess.reconciler.reconcile import DRIFT_KEY, PREVIEW_KEY
from providers import upgrade_0_1
from providers.provider import ConvergenceProvider, KindProvider


class OrgAccessResource(Resource):
    """A resource of one kind: its declared inputs, the live `drift` (in a preview), and the kind's outputs."""

    _outputs: tuple[str, ...] = ()
    _secret_outputs: tuple[str, ...] = ()

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        kind = type(self).__name__
        outputs = dict.fromkeys(self._outputs)
        if self._secret_outputs:
            # Encrypted in the state and masked in every output.
            secret = pulumi.ResourceOptions(additional_secret_outputs=list(self._secret_outputs))
            opts = pulumi.ResourceOptions.merge(opts, secret)
        # `drift` is filled by the provider's check in a preview only (orgaccess.reconciler.reconcile.PREVIEW_KEY).
        inputs = {**props, DRIFT_KEY: None, PREVIEW_KEY: pulumi.runtime.is_dry_run(), **outputs}
        super().__init__(KindProvider(kind), name, inputs, opts)


def resource_type(kind: str) -> type[OrgAccessResource]:
    """`pulumi-python:dynamic/orgaccess:<kind>`, with the outputs the kind declares.

    Only for a kind whose objects are resources of their own, or for a composite: the parts of an
    org's resource had types of their own before 0.2 only (providers/upgrade_0_1.py).
    """
    if upgrade_0_1.from_0_1(kind):
        raise TypeError(
            f"{kind} objects are parts of their org's OrgAccess resource; a {kind} resource of its own "
            "exists only in a stack made before orgaccess 0.2 (providers/upgrade_0_1.py)"
        )
    return _TYPES.get(kind) or _TYPES.setdefault(kind, _made(KINDS[kind]))


_TYPES: dict[str, type[OrgAccessResource]] = {}


def _made(known: Kind | Composite) -> type[OrgAccessResource]:
    kind = known.name
    body = {"_outputs": known.outputs, "_secret_outputs": known.secret_outputs}
    type_name = {"module": "orgaccess", "name": kind}
    made = types.new_class(kind, (OrgAccessResource,), type_name, lambda namespace: namespace.update(body))
    made.__module__ = __name__
    return made


class Convergence(Resource, module="orgaccess", name="Convergence"):
    """One per stack: fails the `up` with the objects that the orgs' resources could not converge."""

    def __init__(self, failed: pulumi.Input[list[str]]) -> None:
        super().__init__(ConvergenceProvider(), "convergence", {"failed": failed})
