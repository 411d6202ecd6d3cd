"""Genesys Cloud's wire models, with the field names of the official SDK (`PureCloudPlatformClientV2`).

Only the fields orgaccess and the emulator use; answers may carry more (ignored), requests may
carry back what a GET answered (`Replacement`: its read-only fields ignored), anything else is refused.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from orgaccess.platform import models
from orgaccess.platform.genesys.permissions import PermissionPolicy
from orgaccess.platform.models import Replacement

T = TypeVar("T")
SUBJECT_TYPE_CLIENT = "PC_OAUTH_CLIENT"
# The division id of a grant in every division, present and future.
ALL_DIVISIONS = "*"
TOKEN_VALIDITY_SECONDS = 86_400


class GrantType(StrEnum):
    CLIENT_CREDENTIALS = "CLIENT-CREDENTIALS"
    CODE = "CODE"
    TOKEN = "TOKEN"


# The platform model keeps the seed's grant type names; the wire spells them Genesys's way.
GRANT_TYPES = {
    models.GrantType.CLIENT_CREDENTIALS: GrantType.CLIENT_CREDENTIALS,
    models.GrantType.CODE: GrantType.CODE,
    models.GrantType.TOKEN: GrantType.TOKEN,
}
MODEL_GRANT_TYPES = {value: key for key, value in GRANT_TYPES.items()}


class ClientState(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"
    INACTIVE = "inactive"


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Listing(models.Page[T], Generic[T]):
    """An `...EntityListing`: one page, as the seed's, and where the others are."""

    firstUri: str | None = None
    selfUri: str | None = None
    nextUri: str | None = None
    previousUri: str | None = None
    lastUri: str | None = None


class Organization(_Answer):
    id: str
    name: str
    # The one field the SDK's `Organization` requires: the org's settings version.
    version: int
    state: str = "active"
    selfUri: str | None = None


class Division(_Answer):
    """`AuthzDivision`."""

    id: str
    name: str
    description: str = ""
    # Documented on AuthzDivision, the division of a grant's too; None where an answer leaves it out.
    homeDivision: bool | None = None
    # With `objectCount=true`: how many objects of each type (`QUEUE`, ...) the division holds.
    objectCounts: dict[str, int] | None = None
    selfUri: str | None = None


class RoleDivision(BaseModel):
    """`RoleDivision` (on a client) and `RoleDivisionPair` (in a bulk grant): the same two fields."""

    model_config = ConfigDict(extra="forbid")

    roleId: str = Field(min_length=1)
    divisionId: str = Field(min_length=1)


class OAuthClient(_Answer):
    id: str
    name: str
    description: str = ""
    authorizedGrantType: GrantType
    scope: list[str] = Field(default_factory=list)
    roleDivisions: list[RoleDivision] = Field(default_factory=list)
    state: ClientState = ClientState.ACTIVE
    accessTokenValiditySeconds: int = TOKEN_VALIDITY_SECONDS
    registeredRedirectUri: list[str] = Field(default_factory=list)
    # Only in the answer to a create or a new secret.
    secret: str | None = None
    dateCreated: str | None = None
    selfUri: str | None = None


class OAuthClientRequest(Replacement):
    read_only = frozenset(
        {"id", "selfUri", "secret", "dateCreated", "dateModified", "createdBy", "modifiedBy", "roleIds", "dateToDelete"}
    )

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    authorizedGrantType: GrantType
    scope: list[str] = Field(default_factory=list)
    roleDivisions: list[RoleDivision] = Field(default_factory=list)
    state: ClientState = ClientState.ACTIVE
    accessTokenValiditySeconds: int | None = None
    registeredRedirectUri: list[str] = Field(default_factory=list)


def model_client(client: OAuthClient | OAuthClientRequest, client_id: str, version: int) -> models.OAuthClient:
    """A Genesys client in the platform model: no org lock there, as a Genesys client never acts
    outside its org (the model's PRIMARY_ONLY)."""
    return models.OAuthClient(
        id=client_id,
        name=client.name,
        description=client.description,
        authorizedGrantType=MODEL_GRANT_TYPES[client.authorizedGrantType],
        scopes=client.scope,
        orgLock=models.OrgLock.PRIMARY_ONLY,
        version=version,
        grants=[models.ListedGrant(roleId=r.roleId, divisionId=r.divisionId) for r in client.roleDivisions],
    )


class Role(_Answer):
    """`DomainOrganizationRole`."""

    id: str
    name: str
    description: str = ""
    defaultRoleId: str | None = None
    permissions: list[str] = Field(default_factory=list)
    permissionPolicies: list[PermissionPolicy] = Field(default_factory=list)
    default: bool = False
    base: bool = False
    # Genesys marks a role whose permissions it changed; the emulator never does.
    roleNeedsUpdate: bool = False
    selfUri: str | None = None


class RoleRequest(Replacement):
    """`DomainOrganizationRoleCreate` and `...Update`: `permissionPolicies` carry the permissions."""

    read_only = frozenset(
        {
            "id",
            "selfUri",
            "userCount",
            "roleNeedsUpdate",
            "base",
            "default",
            "unusedPermissions",
            "baseLicense",
            "addonLicenses",
            "dateLicenseLastUpdated",
            "defaultRoleId",
        }
    )

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    # Legacy flat permission names (e.g. `admin`); orgaccess sends none.
    permissions: list[str] = Field(default_factory=list)
    permissionPolicies: list[PermissionPolicy] = Field(default_factory=list)


class RolePatch(Replacement):
    """`DomainOrganizationRole` as PATCH takes it: the call changes only `roleNeedsUpdate` (the
    SDK: "Patch Organization Role for needsUpdate Field"); the other fields may come back as a GET
    answered them."""

    read_only = RoleRequest.read_only - {"roleNeedsUpdate"}

    name: str | None = None
    description: str | None = None
    permissions: list[str] | None = None
    permissionPolicies: list[PermissionPolicy] | None = None
    roleNeedsUpdate: bool | None = None


class GrantPolicy(_Answer):
    """`AuthzGrantPolicy`: one (domain, entity) of a granted role, with its actions."""

    domain: str
    entityName: str
    actions: list[str] = Field(default_factory=list)


class GrantRole(_Answer):
    """`AuthzGrantRole`: the granted role, with its permissions as `policies`."""

    id: str
    name: str
    description: str = ""
    policies: list[GrantPolicy] = Field(default_factory=list)
    default: bool = False
    selfUri: str | None = None


class Grant(_Answer):
    """`AuthzGrant`."""

    subjectId: str
    division: Division
    role: GrantRole
    grantMadeAt: str | None = None


class Subject(_Answer):
    """`AuthzSubject`: a subject's grants, in every division."""

    id: str
    name: str | None = None
    grants: list[Grant] = Field(default_factory=list)
    version: int = 1
    selfUri: str | None = None


class RoleDivisionGrants(Replacement):
    grants: list[RoleDivision]


class LicenseToggle(_Answer):
    """`LicenseOrgToggle`."""

    featureName: str
    enabled: bool


class ScreenRecordingSessions(_Answer):
    """`ScreenRecordingActiveSessions`: the app's call on this dialect answers a count."""

    count: int
