"""`POST /oauth/token`: the client-credentials grant, by form fields or HTTP Basic.

Every failure is an `OAuthError`: the platform's error body on the seed dialect, RFC 6749's
`{error, error_description}` on genesys-cloud (`errors.oauth_error_response`).
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from pydantic import ValidationError

from orgaccess.emulator import reasons, store
from orgaccess.emulator.access import emulator
from orgaccess.emulator.auth import TOKEN_TTL_SECONDS, basic_credentials
from orgaccess.emulator.errors import OAuthError, describe_errors, documented
from orgaccess.platform.models import GrantType, TokenRequest, TokenResponse

router = APIRouter(tags=["authentication"])

_FORM = {
    "requestBody": {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": TokenRequest.model_json_schema()}},
    }
}


_ONLY_CLIENT_CREDENTIALS = "Only grant_type=client_credentials is supported for this client."


def _invalid_client() -> OAuthError:
    return OAuthError(401, "invalid_client", "Invalid client credentials.", reason=reasons.CLIENT_INVALID)


def _unsupported_grant() -> OAuthError:
    return OAuthError(
        400,
        "unsupported_grant_type",
        _ONLY_CLIENT_CREDENTIALS,
        reason=reasons.GRANT_TYPE_UNSUPPORTED,
    )


def _unauthorized_client() -> OAuthError:
    # The seed names it as a grant type it does not support; OAuth as a client not allowed that grant.
    return OAuthError(
        400,
        "unauthorized_client",
        _ONLY_CLIENT_CREDENTIALS,
        reason=reasons.GRANT_TYPE_UNSUPPORTED,
        code="unsupported_grant_type",
    )


def _invalid_request(description: str) -> OAuthError:
    return OAuthError(400, "invalid_request", description, code="bad.request")


async def _form(request: Request) -> TokenRequest:
    try:
        fields = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
    except UnicodeDecodeError as exc:
        raise _invalid_request("body: form data must be UTF-8") from exc
    try:
        return TokenRequest.model_validate(fields)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        raise _invalid_request(describe_errors([{**e, "loc": ("body", *e["loc"])} for e in errors])) from None


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
        raise _unauthorized_client()
    allowed = frozenset(record.client.scopes)
    scopes = frozenset(form.scope.split()) if form.scope else allowed
    if not scopes <= allowed:
        raise OAuthError(
            400,
            "invalid_scope",
            f"scope: not allowed for this client: {' '.join(sorted(scopes - allowed))}",
            reason=reasons.SCOPE_INVALID,
        )
    expires_at = emu.clock.now() + TOKEN_TTL_SECONDS
    token = emu.tokens.issue(store.TokenRecord(client_id, record.org_id, scopes, expires_at, revoked=False))
    return TokenResponse(access_token=token, expires_in=TOKEN_TTL_SECONDS, scope=" ".join(sorted(scopes)))
