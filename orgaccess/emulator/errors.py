"""One error shape per dialect, for every failure: the seed platform's `{"status","code","message","contextId"}`,
and Genesys Cloud's, which adds `messageWithParams`, `messageParams`, `details` and `errors`."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from orgaccess.emulator.api import Api
from orgaccess.platform.models import ErrorBody

_log = logging.getLogger("orgaccess.emulator")

FORBIDDEN_MESSAGE = "You are not authorized to perform the requested action."
_MESSAGES = {
    400: "The request could not be understood.",
    401: "Authentication failed: a valid bearer token is required.",
    403: FORBIDDEN_MESSAGE,
    404: "The requested resource was not found.",
    405: "The method is not allowed for this resource.",
    409: "The request conflicts with the current state of the resource.",
    429: "Rate limit exceeded; retry after the number of seconds in the Retry-After header.",
    500: "The server encountered an unexpected condition.",
    503: "The service is temporarily unavailable.",
}
_CODES = {
    400: "bad.request",
    401: "authentication.required",
    403: "forbidden",
    404: "not.found",
    405: "method.not.allowed",
    409: "conflict",
    429: "too.many.requests.retry.after",
    500: "internal.server.error",
    503: "service.unavailable",
}


class ApiError(Exception):
    """An error answer; `reason` goes only to the audit log, never to the client."""

    def __init__(
        self,
        status: int,
        *,
        reason: str | None = None,
        code: str | None = None,
        message: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or reason or str(status))
        self.status = status
        self.reason = reason
        self.code = code or _CODES.get(status, "error")
        self.message = message or _MESSAGES.get(status, "Error.")
        self.headers = headers


class OAuthError(ApiError):
    """A failed token request. The seed platform answers it in its own error shape with `code`;
    Genesys Cloud's login service answers as OAuth 2.0 does (RFC 6749 section 5.2), with `error`,
    one of the RFC's codes, which may name the failure more exactly than the seed's `code`."""

    def __init__(self, status: int, error: str, description: str, *, reason: str | None = None, code: str = "") -> None:
        super().__init__(status, reason=reason, code=code or error, message=description)
        self.error = error


def forbidden(reason: str) -> ApiError:
    return ApiError(403, reason=reason)


def bad_request(message: str) -> ApiError:
    return ApiError(400, message=message)


def error_response(
    request: Request, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = error_body(request.app.state.emulator.dialect, status, code, message)
    return JSONResponse(body, status_code=status, headers=headers)


def error_body(dialect: Api, status: int, code: str, message: str) -> dict[str, Any]:
    body = ErrorBody(status=status, code=code, message=message, contextId=str(uuid.uuid4())).model_dump()
    if dialect is Api.GENESYS_CLOUD:
        body |= {"messageWithParams": message, "messageParams": {}, "details": [], "errors": []}
    return body


def oauth_error_response(request: Request, exc: OAuthError) -> JSONResponse:
    dialect = request.app.state.emulator.dialect
    if dialect is not Api.GENESYS_CLOUD:
        return error_response(request, exc.status, exc.code, exc.message, exc.headers)
    # RFC 6749 5.2: a 401 says which authentication scheme the token endpoint takes.
    headers = {"WWW-Authenticate": 'Basic realm="oauth"'} if exc.status == 401 else None
    body = {"error": exc.error, "error_description": exc.message}
    return JSONResponse(body, status_code=exc.status, headers=headers)


def error_bytes(dialect: Api, status: int) -> bytes:
    """A complete error body for middleware that answers below FastAPI."""
    return json.dumps(error_body(dialect, status, _CODES[status], _MESSAGES[status])).encode()


PLATFORM_ERRORS = (400, 401, 403, 404, 429)


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the error statuses a route can answer."""
    return {status: {"model": ErrorBody, "description": _MESSAGES[status]} for status in statuses}


def field_path(loc: tuple[int | str, ...] | list[int | str]) -> str:
    """`("body", "permissions", 0)` -> `body.permissions[0]`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def describe_errors(errors: Sequence[Any]) -> str:
    """Pydantic errors as `field.path[0]: message`, joined."""
    problems = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "json_invalid":
            detail = error.get("ctx", {}).get("error", "")
            problems.append(f"body: malformed JSON {detail}".rstrip())
        else:
            problems.append(f"{field_path(loc)}: {error.get('msg', 'invalid')}")
    return "; ".join(problems) or "invalid request"


def install_handlers(app: FastAPI) -> None:
    """Map every failure, including FastAPI's own, onto the platform's error shape."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        request.state.audit_reason = exc.reason
        if isinstance(exc, OAuthError):
            return oauth_error_response(request, exc)
        return error_response(request, exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        request.state.audit_reason = None
        return error_response(request, 400, _CODES[400], describe_errors(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        message = _MESSAGES.get(status) if status in (404, 405) else str(exc.detail)
        return error_response(request, status, _CODES.get(status, "error"), message or "Error.", exc.headers)

    @app.exception_handler(UnicodeError)
    async def _unicode(request: Request, exc: UnicodeError) -> JSONResponse:
        # Lone surrogates decoded from JSON escapes cannot be stored; that is bad input, not a crash.
        return error_response(request, 400, _CODES[400], "text must be valid Unicode")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The client sees the platform's opaque 500; the emulator's own log keeps the cause.
        _log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(request, 500, _CODES[500], _MESSAGES[500])
