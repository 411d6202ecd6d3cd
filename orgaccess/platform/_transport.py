"""How one call reaches the platform: a stack of layers with one concern each, as httpx layers its client.

    send (rate limit) -> run of attempts (retries) -> attempt (token) -> paced -> exchange

- exchange: one request and its answer, read under a size cap, counted and logged.
- paced: sent when the org's shared rate budget has a request for it (see ratebudget) and its
  pacing allows; a 429 holds the org for every thread (see _pacing).
- with_token: the bearer token, renewed once per call on 401 (a renewal costs no attempt, no wait).
- with_retries: a run of failed attempts in a row (no connection, 5xx, 429 without Retry-After),
  with backoff; a failure that may have landed is looked up (`Call.recover`) before the next attempt.
- send: a 429 with Retry-After ends a run; it is waited out until the call's patience is spent.

The layers pass two private signals up: `_Failed` (an attempt a later one may not repeat) and
`_Refused` (a 429 to wait out). Neither leaves the layer that catches it, so a nested call (a
lookup, a token request) can only ever raise the public errors of `errors.py` through another.
"""

from __future__ import annotations

import functools
import json
import logging
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

import httpx
from pydantic import ValidationError

from orgaccess import __version__
from orgaccess.platform import _connections
from orgaccess.platform._pacing import OrgPacing
from orgaccess.platform._proxy import environment_proxy
from orgaccess.platform._retry import Backoff, may_have_landed, parse_retry_after, retryable_status
from orgaccess.platform._token import TokenCache
from orgaccess.platform._wire import Answer, KeptConnections, OverHttpx, Request, TooLarge
from orgaccess.platform.errors import InvalidResponse, PlatformError, RateLimited, TransportError, error_class
from orgaccess.platform.models import ORG_HEADER, ErrorBody, OAuthErrorBody, TokenResponse
from orgaccess.platform.ratebudget import RateBudget

_log = logging.getLogger("orgaccess.platform")

T = TypeVar("T")

TOKEN_PATH = "/oauth/token"

# Sent with every call beside its own headers; gzip is the one encoding the wire unpacks.
_CLIENT_HEADERS = (
    ("Accept", "application/json"),
    ("Accept-Encoding", "gzip"),
    ("User-Agent", f"orgaccess/{__version__}"),
)


@dataclass(frozen=True)
class Call(Generic[T]):
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


@dataclass
class _Progress:
    """What one call has learned so far, across its runs of attempts."""

    renewed: bool = False  # its token was renewed once already
    maybe_landed: bool = False  # an attempt may have acted on the platform


@dataclass(eq=False)  # an exception compares and hashes by identity
class _Failed(Exception):
    """An attempt failed the way a later one may not; `landed`: it may have acted all the same."""

    error: PlatformError | httpx.TransportError
    landed: bool


@dataclass(eq=False)
class _Refused(Exception):
    """The platform answered 429 with a Retry-After: no failure, a wait."""

    error: RateLimited
    retry_after: float


@dataclass(frozen=True)
class Limits:
    timeout: float
    pool_size: int
    max_attempts: int
    max_retry_after: float
    rate_limit_patience: float
    max_body_bytes: int


class Transport:
    """Sends calls for one client: its connection pool, token, pacing and retry policy."""

    def __init__(
        self,
        base_url: str,
        limits: Limits,
        fetch_token: Callable[[], TokenResponse],
        *,
        budget: RateBudget,
        org_header: bool,
        transport: httpx.BaseTransport | None,
        ca_bundle: str | None,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
    ) -> None:
        self._limits = limits
        self._org_header = org_header
        self._sleep = sleep
        self.backoff = Backoff(max_retry_after=limits.max_retry_after)
        self.tokens = TokenCache(fetch_token, clock)
        self._pacing = OrgPacing(clock, sleep, ceiling=limits.pool_size)
        self._budget = budget
        self._calls = 0
        self._calls_lock = threading.Lock()
        self._base_url = base_url.rstrip("/")
        self._wires = (
            _connections.own(lambda: OverHttpx(transport, limits.timeout))
            if transport is not None
            else _connections.shared(
                (self._base_url, ca_bundle, proxy := environment_proxy(base_url)),
                # Always verified: against the system's CAs, or the platform's own CA bundle; never a
                # trust store, proxy or .netrc that the environment happens to hold (see _proxy).
                partial(KeptConnections, limits.timeout, partial(_tls_context, ca_bundle), proxy),
            )
        )

    def close(self) -> None:
        self._wires.close()

    @property
    def calls(self) -> int:
        with self._calls_lock:
            return self._calls

    def send(self, call: Call[T]) -> T:
        """The outer layer: a 429 with Retry-After is waited out, until the call's patience is spent."""
        progress = _Progress()
        waited = 0.0
        while True:
            try:
                return self._with_retries(call, progress)
            except _Refused as exc:
                refused = exc
            delay = self.backoff.retry_after(refused.retry_after)
            # At least the base backoff, so that Retry-After: 0 cannot loop forever.
            spent = max(delay, self.backoff.base)
            if waited + spent > self._limits.rate_limit_patience:
                if call.org is not None:
                    # The org stays held for the others, and for this thread's next call,
                    # since it will not sleep the Retry-After out here.
                    self._pacing.disown(call.org)
                raise refused.error
            waited += spent
            self._sleep(delay)

    def _with_retries(self, call: Call[T], progress: _Progress) -> T:
        """One run of failed attempts in a row; a 429 with Retry-After ends it (the platform answered)."""
        attempt = 1
        while True:
            try:
                return self._attempt(call, progress, attempt)
            except _Failed as exc:
                failed = exc
            if attempt >= self._limits.max_attempts or (failed.landed and not call.repeatable):
                raise _given_up(call, failed, attempt)
            progress.maybe_landed = progress.maybe_landed or failed.landed
            delay = self.backoff.delay(attempt)
            attempt += 1
            self._sleep(delay)
            # Once per attempt that may have landed, before it is repeated.
            if failed.landed and call.recover is not None:
                found = call.recover()
                if found is not None:
                    return found

    def _attempt(self, call: Call[T], progress: _Progress, attempt: int) -> T:
        try:
            answer = self._with_token(call, progress, attempt)
        except httpx.TransportError as exc:
            raise _Failed(exc, landed=may_have_landed(exc)) from exc
        return self._outcome(call, progress, answer)

    def _with_token(self, call: Call[Any], progress: _Progress, attempt: int) -> Answer:
        """The call's bearer token; renewed once per call on 401, which costs no attempt and no wait."""
        if call.org is None:
            return self._paced(call, None, attempt)
        token = self.tokens.get()
        answer = self._paced(call, token, attempt)
        if answer.status != 401 or progress.renewed:
            return answer
        progress.renewed = True
        self.tokens.invalidate(token)
        return self._paced(call, self.tokens.get(), attempt)

    def _outcome(self, call: Call[T], progress: _Progress, answer: Answer) -> T:
        """The result an answer stands for, or the error; `_Failed`/`_Refused` when worth another go."""
        if answer.status < 300:
            return self._parse(call, answer)
        if progress.maybe_landed and answer.status == 404 and call.gone is not None:
            return call.gone()
        if progress.maybe_landed and answer.status == 409 and call.recover is not None:
            found = call.recover()
            if found is not None:
                return found
        raise _to_raise(self._error(call, answer), answer.status)

    def _paced(self, call: Call[Any], token: str | None, attempt: int) -> Answer:
        """One exchange, sent when the org's budget and pacing allow; a 429 holds the org for its Retry-After."""
        if call.org is None:
            return self._exchange(call, token, attempt)
        wait = self._budget.reserve(call.org)
        if wait > 0:
            self._sleep(wait)
        self._pacing.enter(call.org)
        answered, refused_for = False, None
        try:
            answer = self._exchange(call, token, attempt)
            answered = True
            if answer.status == 429:
                retry_after = parse_retry_after(answer.headers.get("retry-after"))
                refused_for = 0.0 if retry_after is None else self.backoff.retry_after(retry_after)
            self._budget.answered(call.org, answer.headers, refused_for)
            return answer
        finally:
            self._pacing.leave(call.org, answered=answered, refused_for=refused_for)

    def _exchange(self, call: Call[Any], token: str | None, attempt: int) -> Answer:
        request = self._request(call, token)
        with self._calls_lock:
            self._calls += 1
        try:
            answer = self._wires.get().exchange(request, self._limits.max_body_bytes)
        except httpx.TransportError as exc:
            _log.debug(
                "%s %s org=%s attempt=%d failed: %s", call.method, call.path, call.org, attempt, type(exc).__name__
            )
            raise
        except TooLarge as exc:
            # Made only when raised: an error redacts its text against every secret the process
            # holds (one per org on genesys-cloud), too dear for every answer.
            raise InvalidResponse(
                f"answer larger than {self._limits.max_body_bytes} bytes refused", status=exc.status, **call.context()
            ) from None
        _log.debug("%s %s org=%s attempt=%d status=%d", call.method, call.path, call.org, attempt, answer.status)
        return answer

    def _request(self, call: Call[Any], token: str | None) -> Request:
        url = call.path if "://" in call.path else self._base_url + call.path  # absolute: genesys's login host
        if call.params:
            url += "?" + urlencode(call.params)
        headers = [*_CLIENT_HEADERS, *self._headers(call, token).items()]
        body = None
        if call.json is not None:
            body = json.dumps(call.json, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
            headers.append(("Content-Type", "application/json"))
        elif call.form is not None:
            body = urlencode(call.form).encode()
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        return Request(call.method, url, tuple(headers), body)

    def _headers(self, call: Call[Any], token: str | None) -> dict[str, str]:
        headers: dict[str, str] = {}
        if call.org is not None:
            if self._org_header:
                headers[ORG_HEADER] = call.org
            headers["Authorization"] = f"Bearer {token}"
        if call.basic_auth is not None:
            headers["Authorization"] = call.basic_auth
        return headers

    def _parse(self, call: Call[T], answer: Answer) -> T:
        try:
            return call.parse(answer.body)
        except ValidationError as exc:
            # Never the pydantic text itself: it quotes the input, which may hold a secret.
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}"
                for e in exc.errors(include_input=False, include_url=False)[:5]
            )
            raise InvalidResponse(f"malformed answer ({problems})", status=answer.status, **call.context()) from None

    def _error(self, call: Call[Any], answer: Answer) -> PlatformError:
        code, message, context_id = _describe_error(answer.status, answer.body)
        cls = error_class(answer.status, code)
        context: dict[str, Any] = {
            **call.context(),
            "status": answer.status,
            "code": code,
            "context_id": context_id,
        }
        if cls is RateLimited:
            return RateLimited(message, retry_after=parse_retry_after(answer.headers.get("retry-after")), **context)
        return cls(message, **context)


def _to_raise(error: PlatformError, status: int) -> Exception:
    """What an error answer raises: `_Refused`/`_Failed` when worth another go, else the error itself."""
    if isinstance(error, RateLimited) and error.retry_after is not None:
        return _Refused(error, error.retry_after)
    if retryable_status(status):
        return _Failed(error, landed=status >= 500)
    return error


def _given_up(call: Call[Any], failed: _Failed, attempt: int) -> PlatformError:
    """The error a call ends with after its last failed attempt."""
    if isinstance(failed.error, PlatformError):
        return failed.error
    exc = failed.error
    error = TransportError(f"{type(exc).__name__} after {attempt} attempt(s) in a row: {exc}", **call.context())
    error.__cause__, error.__suppress_context__ = exc, True  # as `raise error from exc` would
    return error


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


@functools.cache
def _tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    """One context per CA bundle for the whole process: building one reads every CA (17 ms and
    0.7 MiB), and on genesys-cloud a process holds a client per org, 5,000 in a large fleet."""
    if ca_bundle:
        return ssl.create_default_context(cafile=ca_bundle)
    # What httpx builds for `verify=True` without the environment's SSL_CERT_FILE (trust_env=False).
    return httpx.create_ssl_context(trust_env=False)
