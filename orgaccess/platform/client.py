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
"""

from __future__ import annotations

import base64
import logging
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from orgaccess.platform._pacing import OrgPacing
from orgaccess.platform._redact import redact
from orgaccess.platform._retry import Backoff, may_have_landed, parse_retry_after, retryable_status
from orgaccess.platform._token import TokenCache
from orgaccess.platform.errors import (
    InvalidResponse,
    PlatformError,
    RateLimited,
    TransportError,
    Unauthorized,
    error_class,
)
from orgaccess.platform.models import (
    ORG_HEADER,
    ClientSecret,
    ErrorBody,
    LicenseFeature,
    LicenseFeatureList,
    LicenseFeatureUpdate,
    OAuthClient,
    OAuthClientSpec,
    OAuthClientUpdate,
    OAuthClientWithSecret,
    OAuthErrorBody,
    Organization,
    Page,
    Role,
    RoleSpec,
    RoleUpdate,
    ScreenRecording,
    TokenResponse,
)

_log = logging.getLogger("orgaccess.platform")

T = TypeVar("T")
M = TypeVar("M", bound="_Entity")

PAGE_SIZE = 100
MAX_BODY_BYTES = 20 * 1024 * 1024
TOKEN_PATH = "/oauth/token"
_CLIENTS = "/api/v2/oauth/clients"
_ROLES = "/api/v2/security/roles"


class _Entity(Protocol):
    @property
    def id(self) -> str: ...


@dataclass(frozen=True)
class _Call(Generic[T]):
    """One logical call, possibly sent several times."""

    method: str
    path: str
    org: str | None  # None only for the token endpoint, the one call that is not org-scoped
    parse: Callable[[bytes], T]
    params: Mapping[str, str | int] | None = None
    json: Any = None
    form: Mapping[str, str] | None = None
    basic_auth: str | None = None
    idempotent: bool = True
    # Returns the result if an earlier attempt that may have landed did land, else None.
    recover: Callable[[], T | None] | None = None
    # The result when the resource is gone after an attempt that may have landed.
    gone: Callable[[], T] | None = None

    def __post_init__(self) -> None:
        # The one place that could send an API request without the org header; make it impossible.
        if self.org is None and not self.path.endswith(TOKEN_PATH):
            raise ValueError(f"{self.method} {self.path} needs a target org")

    def context(self) -> dict[str, Any]:
        return {"org": self.org, "method": self.method, "path": self.path}

    @property
    def repeatable(self) -> bool:
        return self.idempotent or self.recover is not None


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
        pool_size: int = 20,
        max_retry_after: float = 60.0,
        rate_limit_patience: float = 300.0,
        max_body_bytes: int = MAX_BODY_BYTES,
        ca_bundle: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        secret = client_secret if isinstance(client_secret, SecretStr) else SecretStr(client_secret)
        self._base_url = base_url
        self._client_id = client_id
        self._secret = secret
        self._max_attempts = max_attempts
        self._rate_limit_patience = rate_limit_patience
        self._max_body_bytes = max_body_bytes
        self._backoff = Backoff(max_retry_after=max_retry_after)
        self._sleep = sleep
        redact.pin(secret.get_secret_value())
        self._tokens = TokenCache(self._fetch_token, clock)
        self._pacing = OrgPacing(clock, sleep, ceiling=pool_size)
        self._calls = 0
        self._calls_lock = threading.Lock()
        self._http = httpx.Client(
            base_url=base_url,
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=pool_size, max_keepalive_connections=pool_size),
            transport=transport,
            follow_redirects=False,
            # Always verified: against the system's CAs, or the platform's own CA bundle.
            verify=ssl.create_default_context(cafile=ca_bundle) if ca_bundle else True,
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
        self._http.close()

    @property
    def client_id(self) -> str:
        """The id of the credentials this client authenticates with (never the secret)."""
        return self._client_id

    @property
    def calls(self) -> int:
        """HTTP requests sent so far, token requests and retries included."""
        with self._calls_lock:
            return self._calls

    @property
    def max_retry_after(self) -> float:
        """The longest Retry-After this client will wait for."""
        return self._backoff.max_retry_after

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

    def grant_role(self, org: str, subject_id: str, role_id: str) -> None:
        """Grant a role (idempotent)."""
        self._api(org, "PUT", _grant_path(subject_id, role_id), _ignore)

    def revoke_role(self, org: str, subject_id: str, role_id: str) -> None:
        """Revoke a granted role; NotFound if it was not granted."""
        self._api(org, "DELETE", _grant_path(subject_id, role_id), _ignore, gone=_nothing)

    # Licenses

    def list_license_features(self, org: str) -> list[LicenseFeature]:
        """The license features of `org`."""
        return self._api(org, "GET", "/api/v2/license/features", LicenseFeatureList.model_validate_json).entities

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
        return OAuthClientWithSecret.model_validate({**current.model_dump(), "secret": secret.secret})

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
        return self._send(call)

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
            answer = self._send(call)
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

    def _send(self, call: _Call[T]) -> T:
        attempt, renewed, maybe_landed = 1, False, False
        # An attempt that may have landed and that no lookup has checked yet.
        unchecked = False
        rate_limited_for = 0.0
        while True:
            token = None if call.org is None else self._tokens.get()
            try:
                status, headers, body = self._paced_exchange(call, token, attempt)
            except httpx.TransportError as exc:
                landed = may_have_landed(exc)
                maybe_landed, unchecked = maybe_landed or landed, unchecked or landed
                if attempt >= self._max_attempts or (landed and not call.repeatable):
                    raise TransportError(
                        f"{type(exc).__name__} after {attempt} attempt(s) in a row: {exc}",
                        **call.context(),
                    ) from exc
                delay = self._backoff.delay(attempt)
                attempt += 1
            else:
                if status < 300:
                    return self._parse(call, status, body)
                # A renewal is not a retry: it costs no attempt and no wait.
                if status == 401 and token is not None and not renewed:
                    renewed = True
                    self._tokens.invalidate(token)
                    continue
                if maybe_landed and status == 404 and call.gone is not None:
                    return call.gone()
                if maybe_landed and status == 409 and call.recover is not None:
                    found = call.recover()
                    if found is not None:
                        return found
                error = self._error(call, status, headers, body)
                retry_after = error.retry_after if isinstance(error, RateLimited) else None
                if retry_after is not None:
                    delay = self._backoff.retry_after(retry_after)
                    # At least the base backoff, so that Retry-After: 0 cannot loop forever.
                    spent = max(delay, self._backoff.base)
                    if rate_limited_for + spent > self._rate_limit_patience:
                        if call.org is not None:
                            # The org stays held for the others, and for this thread's next call,
                            # since it will not sleep the Retry-After out here.
                            self._pacing.disown(call.org)
                        raise error
                    rate_limited_for += spent
                    # The platform answered, so the failures before were not in a row.
                    attempt = 1
                else:
                    last = attempt >= self._max_attempts
                    if not retryable_status(status) or last or (status >= 500 and not call.repeatable):
                        raise error
                    landed = status >= 500
                    maybe_landed, unchecked = maybe_landed or landed, unchecked or landed
                    delay = self._backoff.delay(attempt)
                    attempt += 1
            self._sleep(delay)
            # Once per attempt that may have landed: a 429 round after the lookup landed nothing.
            if unchecked and call.recover is not None:
                unchecked = False
                found = call.recover()
                if found is not None:
                    return found

    def _paced_exchange(self, call: _Call[Any], token: str | None, attempt: int) -> tuple[int, httpx.Headers, bytes]:
        """One exchange, sent when the org's pacing allows; a 429 holds the org for its Retry-After."""
        if call.org is None:
            return self._exchange(call, token, attempt)
        self._pacing.enter(call.org)
        answered, refused_for = False, None
        try:
            status, headers, body = self._exchange(call, token, attempt)
            answered = True
            if status == 429:
                retry_after = parse_retry_after(headers.get("retry-after"))
                refused_for = 0.0 if retry_after is None else self._backoff.retry_after(retry_after)
            return status, headers, body
        finally:
            self._pacing.leave(call.org, answered=answered, refused_for=refused_for)

    def _exchange(self, call: _Call[Any], token: str | None, attempt: int) -> tuple[int, httpx.Headers, bytes]:
        headers: dict[str, str] = {}
        if call.org is not None:
            if self.sends_org_header:
                headers[ORG_HEADER] = call.org
            headers["Authorization"] = f"Bearer {token}"
        if call.basic_auth is not None:
            headers["Authorization"] = call.basic_auth
        request = self._http.build_request(
            call.method, call.path, params=call.params, json=call.json, data=call.form, headers=headers
        )
        with self._calls_lock:
            self._calls += 1
        try:
            response = self._http.send(request, stream=True)
        except httpx.TransportError as exc:
            _log.debug(
                "%s %s org=%s attempt=%d failed: %s",
                call.method,
                call.path,
                call.org,
                attempt,
                type(exc).__name__,
            )
            raise
        try:
            body = self._read(call, response)
        finally:
            response.close()
        _log.debug(
            "%s %s org=%s attempt=%d status=%d",
            call.method,
            call.path,
            call.org,
            attempt,
            response.status_code,
        )
        return response.status_code, response.headers, body

    def _read(self, call: _Call[Any], response: httpx.Response) -> bytes:
        too_big = InvalidResponse(
            f"answer larger than {self._max_body_bytes} bytes refused",
            status=response.status_code,
            **call.context(),
        )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_body_bytes:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        # Counted while streaming: a missing or lying Content-Length must not let it through.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self._max_body_bytes:
                raise too_big
            chunks.append(chunk)
        return b"".join(chunks)

    def _parse(self, call: _Call[T], status: int, body: bytes) -> T:
        try:
            return call.parse(body)
        except ValidationError as exc:
            # Never the pydantic text itself: it quotes the input, which may hold a secret.
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}"
                for e in exc.errors(include_input=False, include_url=False)[:5]
            )
            raise InvalidResponse(f"malformed answer ({problems})", status=status, **call.context()) from None

    def _error(self, call: _Call[Any], status: int, headers: httpx.Headers, body: bytes) -> PlatformError:
        code, message, context_id = _describe_error(status, body)
        cls = error_class(status, code)
        context: dict[str, Any] = {
            **call.context(),
            "status": status,
            "code": code,
            "context_id": context_id,
        }
        if cls is RateLimited:
            return RateLimited(
                message,
                retry_after=parse_retry_after(headers.get("retry-after")),
                **context,
            )
        return cls(message, **context)


def _describe_error(status: int, body: bytes) -> tuple[str, str, str]:
    """(code, message, contextId) of an error answer, whichever of the two shapes it has."""
    try:
        error = ErrorBody.model_validate_json(body)
        return error.code, error.message, error.contextId
    except ValidationError:
        pass
    try:
        oauth = OAuthErrorBody.model_validate_json(body)
        return oauth.error, oauth.error_description or oauth.error, ""
    except ValidationError:
        return "", f"HTTP {status} without an error body", ""


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


def _grant_path(subject_id: str, role_id: str) -> str:
    return _path("/api/v2/security/subjects", subject_id, "roles", role_id)


def _ignore(_: bytes) -> None:
    return None


def _nothing() -> None:
    return None
