"""The program of orgaccess 0.1, for the upgrade test: one resource per role, binding and license.

Today's program with its grouping undone and the three per-object types of 0.1 registered,
which is exactly what 0.1 declared (same names, inputs, dependencies and types).
"""

from typing import Any

from orgaccess import program
from orgaccess.plan.desired import Desired
from orgaccess.platform.dialect import Dialect
from providers import resources

OUTPUTS_0_1 = {
    "Role": ("roleId", "builtIn", "adopted"),
    "RoleBinding": ("subjectId", "preexisting", "adopted"),
    "LicenseFeature": ("selfService", "adopted"),
}


def _resource_type(kind: str) -> Any:
    return type(kind, (resources.OrgAccessResource,), {"_outputs": OUTPUTS_0_1[kind]}, module="orgaccess", name=kind)


def _one_per_object(desired: list[Desired], dialect: Dialect) -> list[Desired]:
    return desired


TYPES_0_1 = {kind: _resource_type(kind) for kind in OUTPUTS_0_1}
_today = program.resource_type


def _type_0_1(kind: str) -> type[resources.OrgAccessResource]:
    return TYPES_0_1.get(kind) or _today(kind)


program.resource_type = _type_0_1
program.per_org = _one_per_object
program.run()
