"""The resource types, as the program and the policy pack see them.

A service account is one resource; everything else declared for an org is that org's
`OrgAccess` resource (orgaccess/kinds/org_access.py).
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from providers.provider import ConvergenceProvider, KindProvider


class _OrgAccessResource(Resource):
    _outputs: tuple[str, ...] = ()

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        kind = type(self).__name__
        outputs = dict.fromkeys(self._outputs)
        super().__init__(KindProvider(kind), name, {**props, "drift": None, **outputs}, opts)


class ServiceAccount(_OrgAccessResource, module="orgaccess", name="ServiceAccount"):
    _outputs = ("clientId", "secret", "adopted")

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        # The secret is encrypted in the state and masked in every output.
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=["secret"])
        super().__init__(name, props, pulumi.ResourceOptions.merge(opts, secret_opts))


class OrgAccess(_OrgAccessResource, module="orgaccess", name="OrgAccess"):
    _outputs = ("objects", "failed")
    failed: pulumi.Output[list[str]]


class Convergence(Resource, module="orgaccess", name="Convergence"):
    """One per stack: fails the `up` with the objects that the orgs' resources could not converge."""

    def __init__(self, failed: pulumi.Input[list[str]]) -> None:
        super().__init__(ConvergenceProvider(), "convergence", {"failed": failed})
