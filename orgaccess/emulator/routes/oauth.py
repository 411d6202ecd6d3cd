"""`POST /oauth/token`: the client-credentials grant, by form fields or HTTP Basic."""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from orgaccess.emulator import reasons, store
from orgaccess.emulator.access import emulator
from orgaccess.emulator.auth import TOKEN_TTL_SECONDS, basic_credentials
from orgaccess.emulator.errors import ApiError, bad_request, documented
from orgaccess.platform.models import GrantType, TokenRequest, TokenResponse

router = APIRouter(tags=["authentication"])

_FORM = {
    "requestBody": {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": TokenRequest.model_json_schema()}},
    }
}


def _invalid_client() -> ApiError:
    return ApiError(401, code="invalid_client", reason=reasons.CLIENT_INVALID, message="Invalid client credentials.")


def _unsupported_grant() -> ApiError:
    return ApiError(
        400,
        code="unsupported_grant_type",
        reason=reasons.GRANT_TYPE_UNSUPPORTED,
        message="Only grant_type=client_credentials is supported for this client.",
    )


async def _form(request: Request) -> TokenRequest:
    try:
        fields = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
    except UnicodeDecodeError as exc:
        raise bad_request("body: form data must be UTF-8") from exc
    try:
        return TokenRequest.model_validate(fields)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc


@router.post("/oauth/token", response_model=TokenResponse, responses=documented(400, 401), openapi_extra=_FORM)
async def issue_token(request: Request) -> TokenResponse:
    """Issues a bearer token for the client named by HTTP Basic or the form."""
    emu = emulator(request)
    form = await _form(request)
    basic = basic_credentials(request.headers.get("authorization"))
    client_id, secret = basic or (form.client_id, form.client_secret)
    request.state.audit_client = client_id
    if form.grant_type != "client_credentials":
        raise _unsupported_grant()
    if not client_id or secret is None:
        raise _invalid_client()
    with emu.store.read() as db:
        record = store.get_client(db, client_id)
    if record is None or not hmac.compare_digest(record.secret_hash, store.digest(secret)):
        raise _invalid_client()
    request.state.audit_org = record.org_id
    if record.client.authorizedGrantType is not GrantType.CLIENT_CREDENTIALS:
        raise _unsupported_grant()
    allowed = frozenset(record.client.scopes)
    scopes = frozenset(form.scope.split()) if form.scope else allowed
    if not scopes <= allowed:
        raise ApiError(
            400,
            code="invalid_scope",
            reason=reasons.SCOPE_INVALID,
            message=f"scope: not allowed for this client: {' '.join(sorted(scopes - allowed))}",
        )
    expires_at = emu.clock.now() + TOKEN_TTL_SECONDS
    token = emu.tokens.issue(store.TokenRecord(client_id, record.org_id, scopes, expires_at, revoked=False))
    return TokenResponse(access_token=token, expires_in=TOKEN_TTL_SECONDS, scope=" ".join(sorted(scopes)))
