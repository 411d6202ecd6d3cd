"""The four resource types, as the program and the policy pack see them."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from providers.provider import KindProvider


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


class Role(_OrgAccessResource, module="orgaccess", name="Role"):
    _outputs = ("roleId", "builtIn", "adopted")


class RoleBinding(_OrgAccessResource, module="orgaccess", name="RoleBinding"):
    _outputs = ("subjectId", "preexisting", "adopted")


class LicenseFeature(_OrgAccessResource, module="orgaccess", name="LicenseFeature"):
    _outputs = ("selfService", "adopted")
