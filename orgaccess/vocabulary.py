"""The words orgaccess, the platform and the emulator share: permissions, license features,
built-in roles, and the causes C1-C6 of a partner-org 403 (docs/causes.md).

One place defines each, so a permission cannot have two names in two modules. The values are the
seed dialect's wire strings; the genesys-cloud dialect maps them (platform/genesys/permissions.py).
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    RECORDING_VIEW = "recording:view"
    SCREEN_RECORDING_ADMIN = "admin:screen_recordings"
    ANALYTICS_READ = "analytics:read"
    SECURITY_READ = "security:read"
    ROLES_EDIT = "security:roles:edit"
    CLIENTS_EDIT = "oauth:clients:edit"
    LICENSES_EDIT = "license:features:edit"


class Cause(StrEnum):
    """Why the app's call answers 403 in an org; each is sufficient on its own."""

    SCOPE = "C1"
    ORG_LOCK = "C2"
    ROLE = "C3"
    LICENSE = "C4"
    ADDRESSABLE = "C5"
    HEADER = "C6"
    # genesys-cloud only: the role is granted in divisions that do not hold the recordings.
    DIVISION = "C7"


# Plain strings: they are shown, sorted and serialised as the wire names.
PERMISSIONS: frozenset[str] = frozenset(permission.value for permission in Permission)
ANALYTICS = "analytics"
LICENSE_FEATURES: frozenset[str] = frozenset({ANALYTICS, "screen_recording", "speech_analytics"})
BUILTIN_ROLES: frozenset[str] = frozenset({"admin", "employee"})
