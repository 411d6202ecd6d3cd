"""Genesys Cloud permissions: `domain:entity:action` strings, and the role policies that carry them.

A role on Genesys Cloud holds `permissionPolicies` of `{domain, entityName, actionSet[]}`; one policy
grants each of its actions, so `recording:screenRecording:view` is the policy
`{domain: recording, entityName: screenRecording, actionSet: [view]}`. orgaccess keeps a role's
permissions as the flat, sorted list of those strings and writes them back as one policy per
(domain, entity).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, Field

# What each of the seed platform's permissions is called on Genesys Cloud, so one scenario (and one
# access.yaml written with seed names) serves both dialects.
FROM_SEED: Mapping[str, tuple[str, ...]] = {
    "recording:view": ("recording:screenRecording:view",),
    "admin:screen_recordings": ("recording:screenRecording:delete",),
    "analytics:read": ("analytics:conversationDetail:view",),
    "security:read": (
        "authorization:role:view",
        "authorization:grant:view",
        "authorization:division:view",
        "oauth:client:view",
    ),
    "security:roles:edit": (
        "authorization:role:add",
        "authorization:role:edit",
        "authorization:role:delete",
        "authorization:grant:add",
        "authorization:grant:delete",
    ),
    "oauth:clients:edit": ("oauth:client:add", "oauth:client:edit", "oauth:client:delete"),
    "license:features:edit": ("directory:organization:admin",),
}
# The permissions the emulator knows; a role naming any other is refused, as the platform refuses
# a permission missing from its catalogue.
CATALOGUE: frozenset[str] = frozenset(name for names in FROM_SEED.values() for name in names)
RECORDING_VIEW = "recording:screenRecording:view"
RECORDING_DELETE = "recording:screenRecording:delete"


class PermissionPolicy(BaseModel):
    """`DomainPermissionPolicy`, the fields orgaccess reads and writes; the others are ignored."""

    model_config = ConfigDict(extra="ignore")

    domain: str = Field(min_length=1)
    entityName: str = Field(min_length=1)
    actionSet: list[str] = Field(default_factory=list)


def from_seed(permissions: Iterable[str]) -> list[str]:
    """Seed permission names as Genesys Cloud permissions, sorted; names already in Genesys form stay."""
    return sorted({name for permission in permissions for name in FROM_SEED.get(permission, (permission,))})


def flatten(policies: Iterable[PermissionPolicy]) -> list[str]:
    """Every `domain:entity:action` the policies grant, sorted and without repeats."""
    return sorted({f"{p.domain}:{p.entityName}:{action}" for p in policies for action in p.actionSet})


def policies(permissions: Iterable[str]) -> list[PermissionPolicy]:
    """Flat permissions as one policy per (domain, entity), in a stable order."""
    grouped: dict[tuple[str, str], set[str]] = {}
    for permission in permissions:
        domain, entity, action = split(permission)
        grouped.setdefault((domain, entity), set()).add(action)
    return [
        PermissionPolicy(domain=domain, entityName=entity, actionSet=sorted(actions))
        for (domain, entity), actions in sorted(grouped.items())
    ]


def split(permission: str) -> tuple[str, str, str]:
    """`recording:screenRecording:view` -> its three parts; ValueError names a malformed one."""
    parts = permission.split(":")
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"'{permission}' is not a Genesys Cloud permission (domain:entity:action)")
    return parts[0], parts[1], parts[2]
