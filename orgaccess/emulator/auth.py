"""Bearer tokens: issued by `POST /oauth/token`, stored hashed, resolved through a memory cache."""

from __future__ import annotations

import base64
import binascii
import secrets
import threading

from orgaccess.emulator import reasons, store
from orgaccess.emulator.errors import ApiError

TOKEN_TTL_SECONDS = 86_400


class Tokens:
    def __init__(self, db_store: store.Store) -> None:
        self._store = db_store
        # Every platform call resolves its token; the cache keeps that off SQLite.
        self._cache: dict[str, store.TokenRecord] = {}
        self._lock = threading.Lock()

    def issue(self, record: store.TokenRecord) -> str:
        token = secrets.token_urlsafe(32)
        with self._store.write() as db:
            store.save_token(db, store.digest(token), record)
        with self._lock:
            self._cache[token] = record
        return token

    def resolve(self, token: str, now: float) -> store.TokenRecord:
        """The token's record, or a 401 whose audit reason says why not."""
        with self._lock:
            record = self._cache.get(token)
        if record is None:
            with self._store.read() as db:
                record = store.find_token(db, store.digest(token))
            if record is None:
                raise ApiError(401, reason=reasons.TOKEN_INVALID)
            with self._lock:
                self._cache[token] = record
        if record.revoked:
            raise ApiError(401, reason=reasons.TOKEN_REVOKED)
        if record.expires_at <= now:
            raise ApiError(401, reason=reasons.TOKEN_EXPIRED)
        return record

    def forget(self) -> None:
        """Drops the cache after tokens were revoked or the whole state replaced."""
        with self._lock:
            self._cache.clear()


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise ApiError(401, reason=reasons.TOKEN_MISSING)
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, reason=reasons.TOKEN_INVALID)
    return token


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """`(client_id, client_secret)` from an HTTP Basic header, None if there is none or it is malformed."""
    if not authorization:
        return None
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, sep, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (client_id, secret) if sep else None
