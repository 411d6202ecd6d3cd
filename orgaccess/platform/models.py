"""Wire models of the platform API (docs/api.md).

One definition serves both sides: the emulator validates requests and documents its
OpenAPI with these, and the client parses responses with them, so the two cannot drift.
Field names follow the API's camelCase exactly.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

ORG_HEADER = "X-GCC-Organization-Id"


class GrantType(StrEnum):
    CLIENT_CREDENTIALS = "CLIENT_CREDENTIALS"
    CODE = "CODE"
    TOKEN = "TOKEN"


class OrgLock(StrEnum):
    PRIMARY_ONLY = "PRIMARY_ONLY"
    LINKED_ORGS = "LINKED_ORGS"

    def widens(self, current: OrgLock) -> bool:
        """Whether changing a lock from `current` to this one lets the account reach more orgs."""
        return self is OrgLock.LINKED_ORGS and current is OrgLock.PRIMARY_ONLY


class _Wire(BaseModel):
    # Responses may grow fields; a newer platform must not break an older client.
    model_config = ConfigDict(extra="ignore")


class _Request(BaseModel):
    # Requests are strict: a misspelt field is a 400 that names it, never silently dropped.
    model_config = ConfigDict(extra="forbid")


class Replacement(_Request):
    """A PUT body: what a GET answered is accepted as is, its read-only fields ignored.

    Real APIs take back the object they served; only fields no GET answers are refused.
    """

    read_only: ClassVar[frozenset[str]] = frozenset({"id", "selfUri"})

    @model_validator(mode="before")
    @classmethod
    def _drop_read_only(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if key not in cls.read_only}
        return data


T = TypeVar("T")


class Page(_Wire, Generic[T]):
    entities: list[T]
    pageSize: int
    pageNumber: int
    total: int
    pageCount: int


class ErrorBody(_Wire):
    status: int
    code: str
    message: str
    contextId: str = ""


class OAuthErrorBody(_Wire):
    # RFC 6749 §5.2 shape, which token endpoints commonly answer instead of ErrorBody.
    error: str
    error_description: str = ""


class TokenResponse(_Wire):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    scope: str = ""


class OrgRef(_Wire):
    id: str
    name: str


class Organization(_Wire):
    id: str
    name: str
    linkedOrganizations: list[OrgRef] = Field(default_factory=list)


class OAuthClientSpec(_Request):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    authorizedGrantType: GrantType
    scopes: list[str] = Field(default_factory=list)
    orgLock: OrgLock = OrgLock.LINKED_ORGS


class OAuthClientUpdate(Replacement, OAuthClientSpec):
    version: int


class ListedGrant(_Wire):
    """A grant as a client's listing names it: the ids of its role and its division."""

    roleId: str
    divisionId: str


class OAuthClient(_Wire):
    id: str
    name: str
    description: str = ""
    authorizedGrantType: GrantType
    scopes: list[str]
    orgLock: OrgLock
    version: int
    # Its grants in its own org, where the platform lists them with the client (Genesys's
    # `roleDivisions`), which spares a read of the client's subject; None where it does not (a seed
    # client's grants are in other orgs). Never sent: no request or answer of the seed API has it.
    grants: list[ListedGrant] | None = Field(default=None, exclude=True)


class OAuthClientWithSecret(OAuthClient):
    secret: str


class ClientSecret(_Wire):
    id: str
    secret: str


class RoleSpec(_Request):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    permissions: list[str] = Field(default_factory=list)


class RoleUpdate(Replacement, RoleSpec):
    read_only = frozenset({"id", "selfUri", "builtIn"})
    version: int


class Role(_Wire):
    id: str
    name: str
    description: str = ""
    permissions: list[str]
    builtIn: bool = False
    version: int


class Division(_Wire):
    """Where a grant applies. On genesys-cloud one of the org's divisions, or every one (`*`);
    the seed platform has none, so each of its grants is in the org's home, `SEED_HOME`."""

    id: str
    name: str
    home: bool = False
    # Queues in it: conversations belong to their queue's division, and recordings to their conversation.
    queues: int = 0


ALL_DIVISIONS = "*"
EVERY_DIVISION = Division(id=ALL_DIVISIONS, name=ALL_DIVISIONS)
SEED_HOME = Division(id="", name="Home", home=True)


class Grant(_Wire):
    """A role granted to a subject in one division."""

    role: Role
    division: Division


class LicenseFeature(_Wire):
    name: str
    enabled: bool
    selfService: bool


class LicenseFeatureUpdate(_Request):
    enabled: bool


class LicenseFeatureList(_Wire):
    entities: list[LicenseFeature]


class ScreenRecording(_Wire):
    id: str
    conversationId: str
    userId: str
    startTime: str
    durationMs: int
    mediaUri: str


class AuditEntry(_Wire):
    time: str
    client: str | None
    org: str | None
    method: str
    path: str
    status: int
    reason: str | None = None
    # The Retry-After (seconds) of a 429, so tests can check that clients honour it.
    retryAfter: int | None = None
    # When the request arrived (`time` is when it was answered, after any injected latency).
    received: str | None = None


class Faults(_Request):
    latencyMs: int = Field(default=0, ge=0, le=60_000)
    errorRate: float = Field(default=0.0, ge=0.0, le=1.0)
    dropRate: float = Field(default=0.0, ge=0.0, le=1.0)
    rateLimitPerMinute: int = Field(default=300, ge=1)
    # Whether answers say the bucket's state (inin-ratelimit-*); false: a platform whose client
    # learns of its limit from 429s alone.
    rateLimitHeaders: bool = True
    propagationDelayMs: int = Field(default=0, ge=0)
    # The request is carried out, then the connection is cut before the answer: a write that
    # landed although the client saw a failure (the case that duplicates naive retries).
    lostAnswerRate: float = Field(default=0.0, ge=0.0, le=1.0)


class TokenRequest(_Request):
    """The form of `POST /oauth/token`; credentials may come by HTTP Basic instead."""

    grant_type: str
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None


class EmulatorClock(_Request):
    """The emulator's clock offset, so tests can let tokens expire without waiting a day."""

    offsetSeconds: float = Field(default=0.0, ge=0.0, le=10 * 365 * 86400)
