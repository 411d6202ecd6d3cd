"""The platform API client (docs/api.md), shared by many threads.

Every API method takes the target org first and always sends it as `X-GCC-Organization-Id`:
a call without it would silently act on the token's home org (cause C6).

Retries: connection failures, timeouts and 5xx are retried with exponential backoff and full
jitter, up to `max_attempts` in a row. A 429 is the platform saying it is well and when to come
back, so it is no failed attempt and ends a run of them: its Retry-After (capped at
`max_retry_after`) is waited out, by every thread calling that org (see _pacing), until the call
has waited `rate_limit_patience` seconds in all.
Calls that are not idempotent are made safe to repeat before they are repeated:

- create_role / create_client: when an attempt may have landed (the connection dropped after
  sending, or a 5xx), the role or client is first looked up by exact name; if it exists, the
  first attempt landed and that object is returned. A 409 on such a retry is resolved the same
  way. A landed client's secret was lost with the answer, so create_client rotates it and
  returns the client with the new secret.
- update_role / update_client: a landed PUT makes the retry's `version` stale; the live object
  is read and returned if it already carries the update.
- DELETE answering 404 after an attempt that may have landed counts as done.
- Token requests and secret rotation repeat harmlessly (the last secret wins).

This module holds the endpoints; how a call is sent (token, retries, rate limits, the exchange)
is _transport's, one layer per concern.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, SecretStr

from orgaccess.platform._redact import redact
from orgaccess.platform._token import HandedToken
from orgaccess.platform._transport import TOKEN_PATH, Limits, Transport
from orgaccess.platform._transport import Call as _Call
from orgaccess.platform.errors import Unauthorized
from orgaccess.platform.models import (
    SEED_HOME,
    ClientSecret,
    Division,
    Grant,
    LicenseFeature,
    LicenseFeatureList,
    LicenseFeatureUpdate,
    OAuthClient,
    OAuthClientSpec,
    OAuthClientUpdate,
    OAuthClientWithSecret,
    Organization,
    Page,
    Role,
    RoleSpec,
    RoleUpdate,
    ScreenRecording,
    TokenResponse,
)
from orgaccess.platform.ratebudget import Buckets, LocalBuckets, RateBudget

T = TypeVar("T")
M = TypeVar("M", bound="_Entity")

PAGE_SIZE = 100
MAX_BODY_BYTES = 20 * 1024 * 1024
_CLIENTS = "/api/v2/oauth/clients"
_ROLES = "/api/v2/security/roles"


class _Entity(Protocol):
    @property
    def id(self) -> str: ...


class PlatformClient:
    """Thread-safe client of one platform, authenticated as one OAuth service account."""

    # A dialect whose tokens act in one org only (genesys.client) sends no org header.
    sends_org_header = True

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str | SecretStr,
        *,
        timeout: float = 10.0,
        max_attempts: int = 5,
        transport: httpx.BaseTransport | None = None,
        pool_size: int = 64,
        max_retry_after: float = 60.0,
        rate_limit_patience: float = 300.0,
        max_body_bytes: int = MAX_BODY_BYTES,
        ca_bundle: str | None = None,
        buckets: Buckets | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`buckets`: where the copies of the platform's rate-limit buckets live (ratebudget);
        shared with other processes, or this client's own when None."""
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        secret = client_secret if isinstance(client_secret, SecretStr) else SecretStr(client_secret)
        self._base_url = base_url
        self._client_id = client_id
        self._secret = secret
        redact.pin(secret.get_secret_value())
        limits = Limits(timeout, pool_size, max_attempts, max_retry_after, rate_limit_patience, max_body_bytes)
        self._transport = Transport(
            base_url,
            limits,
            self._fetch_token,
            budget=RateBudget(base_url, client_id, buckets if buckets is not None else LocalBuckets()),
            org_header=self.sends_org_header,
            transport=transport,
            ca_bundle=ca_bundle,
            sleep=sleep,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"PlatformClient(base_url={self._base_url!r}, client_id={self._client_id!r})"

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._transport.close()

    @property
    def client_id(self) -> str:
        """The id of the credentials this client authenticates with (never the secret)."""
        return self._client_id

    def own_client_id(self, _org: str) -> str:
        """orgaccess's own client as `org` sees it: the one client it acts with in every org."""
        return self.client_id

    @property
    def calls(self) -> int:
        """HTTP requests sent so far, token requests and retries included."""
        return self._transport.calls

    def handed_tokens(self) -> dict[str, HandedToken]:
        """The token this client holds, by its client id, for another process of the same run."""
        handed = self._transport.tokens.handed()
        return {} if handed is None else {self._client_id: handed}

    def take_tokens(self, tokens: Mapping[str, HandedToken]) -> None:
        """Uses the token handed over for this client's id, if any, instead of logging in again."""
        handed = tokens.get(self._client_id)
        if handed is not None:
            redact.add(handed.token)
            self._transport.tokens.take(handed)

    @property
    def max_retry_after(self) -> float:
        """The longest Retry-After this client will wait for."""
        return self._transport.backoff.max_retry_after

    # Organizations

    def get_organization(self, org: str) -> Organization:
        """The target org and the orgs linked to it."""
        return self._api(org, "GET", "/api/v2/organizations/me", Organization.model_validate_json)

    # Service accounts

    def list_clients(self, org: str) -> list[OAuthClient]:
        """All service accounts of `org`."""
        return self._list(org, _CLIENTS, OAuthClient)

    def get_client(self, org: str, client_id: str) -> OAuthClient:
        """One service account."""
        return self._api(org, "GET", _path(_CLIENTS, client_id), OAuthClient.model_validate_json)

    def create_client(self, org: str, spec: OAuthClientSpec) -> OAuthClientWithSecret:
        """Create a service account; its secret is only ever returned here (or by rotation)."""
        return self._api(
            org,
            "POST",
            _CLIENTS,
            OAuthClientWithSecret.model_validate_json,
            body=spec,
            idempotent=False,
            recover=lambda: self._landed_client(org, spec),
        )

    def update_client(self, org: str, client_id: str, update: OAuthClientUpdate) -> OAuthClient:
        """Replace a service account's settings; `update.version` must be the current one."""
        return self._api(
            org,
            "PUT",
            _path(_CLIENTS, client_id),
            OAuthClient.model_validate_json,
            body=update,
            recover=lambda: _if_applied(self.get_client(org, client_id), update),
        )

    def delete_client(self, org: str, client_id: str) -> None:
        """Delete a service account, its tokens and its grants in every org."""
        self._api(org, "DELETE", _path(_CLIENTS, client_id), _ignore, gone=_nothing)

    def rotate_secret(self, org: str, client_id: str) -> ClientSecret:
        """Replace a service account's secret and return the new one."""
        secret = self._api(org, "POST", _path(_CLIENTS, client_id, "secret"), ClientSecret.model_validate_json)
        redact.add(secret.secret)
        return secret

    # Roles

    def list_roles(self, org: str, name: str | None = None) -> list[Role]:
        """All roles of `org`, or those with exactly `name`."""
        return self._list(org, _ROLES, Role, {} if name is None else {"name": name})

    def get_role(self, org: str, role_id: str) -> Role:
        """One role."""
        return self._api(org, "GET", _path(_ROLES, role_id), Role.model_validate_json)

    def create_role(self, org: str, spec: RoleSpec) -> Role:
        """Create a custom role."""
        return self._api(
            org,
            "POST",
            _ROLES,
            Role.model_validate_json,
            body=spec,
            idempotent=False,
            recover=lambda: self._role_named(org, spec.name),
        )

    def update_role(self, org: str, role_id: str, update: RoleUpdate) -> Role:
        """Replace a role; `update.version` must be the current one."""
        return self._api(
            org,
            "PUT",
            _path(_ROLES, role_id),
            Role.model_validate_json,
            body=update,
            recover=lambda: _if_applied(self.get_role(org, role_id), update),
        )

    def delete_role(self, org: str, role_id: str) -> None:
        """Delete a role and its grants."""
        self._api(org, "DELETE", _path(_ROLES, role_id), _ignore, gone=_nothing)

    # Grants

    def list_subject_roles(self, org: str, subject_id: str) -> list[Role]:
        """The roles granted to `subject_id` in `org`."""
        return self._list(org, _path("/api/v2/security/subjects", subject_id, "roles"), Role)

    def list_subject_grants(self, org: str, subject_id: str) -> list[Grant]:
        """The grants of `subject_id` in `org`: each in the org's home, as this platform has no divisions."""
        return [Grant(role=role, division=SEED_HOME) for role in self.list_subject_roles(org, subject_id)]

    def list_divisions(self, org: str) -> list[Division]:
        """The divisions of `org`: its home only, as this platform has no others."""
        return [SEED_HOME]

    def grant_role(self, org: str, subject_id: str, role_id: str, division: Division = SEED_HOME) -> None:
        """Grant a role (idempotent)."""
        self._api(org, "PUT", _grant_path(subject_id, role_id, division), _ignore)

    def revoke_role(self, org: str, subject_id: str, role_id: str, division: Division = SEED_HOME) -> None:
        """Revoke a granted role; NotFound if it was not granted."""
        self._api(org, "DELETE", _grant_path(subject_id, role_id, division), _ignore, gone=_nothing)

    # Licenses

    def license_features(self, org: str) -> Mapping[str, LicenseFeature]:
        """The license features of `org`, by name (one list)."""
        listed = self._api(org, "GET", "/api/v2/license/features", LicenseFeatureList.model_validate_json).entities
        return {feature.name: feature for feature in listed}

    def set_license_feature(self, org: str, name: str, enabled: bool) -> LicenseFeature:
        """Turn a feature on or off; LicenseContractRequired if it is contract-managed."""
        return self._api(
            org,
            "PUT",
            _path("/api/v2/license/features", name),
            LicenseFeature.model_validate_json,
            body=LicenseFeatureUpdate(enabled=enabled),
        )

    # Data plane

    def list_screen_recordings(self, org: str) -> list[ScreenRecording]:
        """Screen-recording metadata of `org`: the call that fails with 403 when access is broken."""
        return self._list(org, "/api/v2/analytics/screenrecordings", ScreenRecording)

    # Recovery of calls that may have landed

    def _role_named(self, org: str, name: str) -> Role | None:
        return next((role for role in self.list_roles(org, name=name) if role.name == name), None)

    def _landed_client(self, org: str, spec: OAuthClientSpec) -> OAuthClientWithSecret | None:
        landed = next((c for c in self.list_clients(org) if c.name == spec.name), None)
        if landed is None:
            return None
        # The secret went down with the lost answer; rotating is the only way to learn one.
        secret = self.rotate_secret(org, landed.id)
        current = self.get_client(org, landed.id)
        # dict(), not model_dump(): the copy keeps `grants`, which is never sent and so never dumped.
        return OAuthClientWithSecret.model_validate({**dict(current), "secret": secret.secret})

    # The request path every call takes

    def _list(self, org: str, path: str, item: type[M], params: Mapping[str, str] | None = None) -> list[M]:
        parse = Page[item].model_validate_json  # type: ignore[valid-type]
        found: dict[str, M] = {}
        number = 1
        while True:
            page: Page[M] = self._api(
                org,
                "GET",
                path,
                parse,
                params={**(params or {}), "pageSize": PAGE_SIZE, "pageNumber": number},
            )
            # Keyed by id: an entity that shifts pages while we read must not appear twice.
            found.update((entity.id, entity) for entity in page.entities)
            if number >= page.pageCount or not page.entities:
                return list(found.values())
            number += 1

    def _api(
        self,
        org: str,
        method: str,
        path: str,
        parse: Callable[[bytes], T],
        *,
        params: Mapping[str, str | int] | None = None,
        body: BaseModel | None = None,
        idempotent: bool = True,
        recover: Callable[[], T | None] | None = None,
        gone: Callable[[], T] | None = None,
    ) -> T:
        # Checked at runtime too: an empty header would act on the home org just like none (C6).
        if not isinstance(org, str) or not org.strip():
            raise ValueError(f"a target org is required for {method} {path}, got {org!r}")
        call = _Call(
            method,
            path,
            org,
            parse,
            params=params,
            json=None if body is None else body.model_dump(mode="json"),
            idempotent=idempotent,
            recover=recover,
            gone=gone,
        )
        return self._transport.send(call)

    def _token_url(self) -> str:
        """Where tokens are issued: the API's own base on this platform."""
        return TOKEN_PATH

    def _fetch_token(self) -> TokenResponse:
        call = _Call(
            "POST",
            self._token_url(),
            None,
            TokenResponse.model_validate_json,
            form={"grant_type": "client_credentials"},
            basic_auth=_basic_auth(self._client_id, self._secret.get_secret_value()),
        )
        try:
            answer = self._transport.send(call)
        except Unauthorized as exc:
            raise Unauthorized(
                f"invalid client credentials for client '{self._client_id}'",
                status=exc.status,
                code=exc.code,
                method=exc.method,
                path=exc.path,
                context_id=exc.context_id,
            ) from None
        redact.add(answer.access_token)
        return answer


V = TypeVar("V", Role, OAuthClient)


def _if_applied(live: V, update: RoleUpdate | OAuthClientUpdate) -> V | None:
    """`live` if it already carries `update` (a landed PUT bumped its version), else None."""
    want = update.model_dump(mode="json", exclude={"version"})
    have = live.model_dump(mode="json", include=set(want))
    return live if live.version > update.version and _canonical(have) == _canonical(want) else None


def _canonical(fields: dict[str, Any]) -> dict[str, Any]:
    # The platform may reorder permission and scope lists; they are sets.
    return {k: sorted(v) if isinstance(v, list) else v for k, v in fields.items()}


def _basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _path(base: str, *segments: str) -> str:
    # Quoted so an id can never address another resource ("../", "?", "/").
    return "/".join([base, *(quote(s, safe="") for s in segments)])


def _grant_path(subject_id: str, role_id: str, division: Division) -> str:
    if not division.home:
        # Declarations refuse divisions on this platform; reaching here is a bug, not bad input.
        raise ValueError(f"the seed platform has no division but home, got {division.name!r}")
    return _path("/api/v2/security/subjects", subject_id, "roles", role_id)


def _ignore(_: bytes) -> None:
    return None


def _nothing() -> None:
    return None
