"""Typed errors of the platform client.

Every error names the org and the call it came from, because the same 403 means different
things in different orgs. Messages never carry request or response bodies beyond the server's
own error message, code and context id, each scrubbed of every secret the process knows, in any form.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from orgaccess.platform._redact import redact


class PlatformError(Exception):
    """Base of every error the platform client raises."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        org: str | None = None,
        method: str = "",
        path: str = "",
        context_id: str = "",
    ) -> None:
        # Every field reaches text somewhere (the message, doctor's evidence, JSON reports), and any
        # of them may echo what the request carried: each is scrubbed here, once, where the answer
        # becomes an error.
        self.message = redact(message)
        self.status = status
        self.code = redact(code)
        self.org = redact(org) if org is not None else None
        self.method = method
        self.path = redact(path)
        self.context_id = redact(context_id)
        super().__init__(self._describe())

    def _describe(self) -> str:
        # A 200 with a broken body is not "200 OK": name the failure, not the status.
        status = self.status
        head = _status_line(status) if status is not None and status >= 400 else type(self).__name__
        where = f" in org '{self.org}'" if self.org else ""
        call = f" on {self.method} {self.path}" if self.method else ""
        context = f" (contextId {self.context_id})" if self.context_id else ""
        return f"{head}{where}{call}: {self.message}{context}"

    def __reduce__(self) -> tuple[Any, ...]:
        # A fleet's read runs in several processes (perorg.in_processes), whose failures come back
        # pickled: as the same error, not one rebuilt around its own text.
        return (_restored, (type(self), dict(self.__dict__)))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, org={self.org!r}, "
            f"method={self.method!r}, path={self.path!r}, context_id={self.context_id!r}, "
            f"message={self.message!r})"
        )


def _restored(cls: type[PlatformError], fields: dict[str, Any]) -> PlatformError:
    error = cls.__new__(cls)
    error.__dict__.update(fields)  # already scrubbed where it was made
    Exception.__init__(error, error._describe())
    return error


class BadRequest(PlatformError):
    """400: the request broke the API's schema."""


class Unauthorized(PlatformError):
    """401: wrong client credentials, or a token the platform no longer accepts."""


class Forbidden(PlatformError):
    """403: any of causes C1 to C5; the platform never says which."""


class NotFound(PlatformError):
    """404."""


class Conflict(PlatformError):
    """409: duplicate name or stale version."""


class LicenseContractRequired(Conflict):
    """409 `license.contract.required`: the feature can only change through a contract."""


class RateLimited(PlatformError):
    """429 after the retry budget was spent; `retry_after` is what the platform asked for."""

    def __init__(self, message: str, *, retry_after: float | None = None, **context: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **context)


class ServerError(PlatformError):
    """5xx after the retry budget was spent (or on a call that could not be repeated)."""


class TransportError(PlatformError):
    """The connection failed or timed out, and retrying was exhausted or unsafe."""


class InvalidResponse(PlatformError):
    """A malformed, truncated, oversized or schema-breaking answer from the platform."""


_BY_STATUS: dict[int, type[PlatformError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}
LICENSE_CONTRACT_REQUIRED = "license.contract.required"


def error_class(status: int, code: str) -> type[PlatformError]:
    """The error class for an HTTP error status and the platform's error code."""
    if status == 409 and code == LICENSE_CONTRACT_REQUIRED:
        return LicenseContractRequired
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, PlatformError)


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
