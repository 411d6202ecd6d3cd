"""The objects of a self-managed Pulumi state backend, read and written directly, for recovery.

Pulumi's file and PostgreSQL backends keep the same keys (`.pulumi/stacks/...`,
`.pulumi/locks/...`, `.pulumi/history/...`): the file backend as files under its directory
(through gocloud.dev's fileblob, with a `<file>.attrs` metadata sidecar beside each), the
PostgreSQL backend as rows of one table (`key`, `data` = `{"data": base64}`). Recovery reads
locks and checkpoints here because the engine itself refuses to when one of them is unreadable.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import pg8000.native

# fileblob's metadata sidecar of every object (gocloud.dev/blob/fileblob/attrs.go).
ATTRS = ".attrs"
DEFAULT_TABLE = "pulumi_state"


class StoreError(RuntimeError):
    """The backend cannot be opened or read; the message says which and why."""


class StateStore(Protocol):
    """The backend's objects by key."""

    url: str

    def keys(self, prefix: str) -> list[str]: ...

    def read(self, key: str) -> bytes: ...

    def modified(self, key: str) -> float:
        """When `key` was last written, in seconds since the epoch."""
        ...

    def write(self, key: str, data: bytes) -> None: ...

    def delete(self, key: str) -> None: ...

    def broken_metadata(self, key: str) -> str | None:
        """What keeps the engine from reading `key` besides its content, if anything."""
        ...

    def drop_metadata(self, key: str) -> None: ...


def open_store(url: str) -> StateStore:
    """The store behind a PULUMI_BACKEND_URL of the file or PostgreSQL backend."""
    scheme = urlsplit(url).scheme
    if scheme == "file":
        return FileStore(url)
    if scheme in ("postgres", "postgresql"):
        return PostgresStore(url)
    raise StoreError(
        f"backend {redact(url)}: orgaccess recover handles the file:// and postgres:// backends; "
        "for another backend use `pulumi cancel` and `pulumi refresh --clear-pending-creates`"
    )


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:****@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


@dataclass
class FileStore:
    """A `file://DIR` backend: each key a file under DIR."""

    url: str

    @property
    def root(self) -> Path:
        parts = urlsplit(self.url)
        # file://~/state and file://./state are relative to home and to the working directory, as in pulumi.
        path = unquote(parts.netloc + parts.path)
        return Path(path).expanduser().resolve()

    def path(self, key: str) -> Path:
        """Where `key` lives, refused when a link below the root would take recovery elsewhere.

        Whoever can write the backend could link `<stack>.json.bak` to a file of their choosing (and
        recovery would restore it as the state) or the locks folder to any folder (and recovery would
        delete in it): every object is read, written and deleted only inside the backend."""
        root = self.root
        current = root
        for part in Path(key).parts:
            current = current / part
            if current.is_symlink():
                raise StoreError(
                    f"backend {redact(self.url)}: {current.relative_to(root)} is a symbolic link; recovery "
                    "reads, writes and deletes only inside the backend: replace the link by what it points to"
                )
        return current

    def keys(self, prefix: str) -> list[str]:
        base = self.root
        folder = self.path(prefix).parent if not prefix.endswith("/") else self.path(prefix)
        if not folder.is_dir():
            return []
        found = (p.relative_to(base).as_posix() for p in folder.rglob("*") if p.is_file())
        return sorted(k for k in found if k.startswith(prefix) and not k.endswith(ATTRS) and not _temporary(k))

    def read(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def modified(self, key: str) -> float:
        return self.path(key).stat().st_mtime

    def write(self, key: str, data: bytes) -> None:
        # The same temporary file and rename as fileblob: a reader never sees half of it.
        target = self.path(key)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = target.with_name(f"{target.name}.orgaccess-{os.getpid()}.tmp")
        temporary.unlink(missing_ok=True)
        # 0600 like the engine's own files (fileblob's os.CreateTemp): the state holds ciphertext of secrets.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
        # Its metadata (an MD5 among it) described the old content; fileblob reads a missing sidecar as defaults.
        self.drop_metadata(key)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)
        self.drop_metadata(key)

    def broken_metadata(self, key: str) -> str | None:
        sidecar = self.path(key + ATTRS)
        try:
            text = sidecar.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            return f"its metadata file {sidecar.name} cannot be read ({exc})"
        if not text.strip():
            return f"its metadata file {sidecar.name} is empty"
        try:
            json.loads(text)
        except ValueError:
            return f"its metadata file {sidecar.name} is not JSON"
        return None

    def drop_metadata(self, key: str) -> None:
        self.path(key + ATTRS).unlink(missing_ok=True)


def _temporary(key: str) -> bool:
    return key.endswith(".tmp")


@dataclass
class PostgresStore:
    """A `postgres://` backend: each key a row of its table (`?table=`, default pulumi_state).

    As for every non-file backend, pulumi prefixes its keys with the URL's path, here the database
    name (`orgaccess/.pulumi/stacks/...`): the store adds and strips that prefix."""

    url: str

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        self._query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        self.table = self._query.get("table", DEFAULT_TABLE)
        self.prefix = parts.path.strip("/") + "/" if parts.path.strip("/") else ""
        if not self.table.replace("_", "").replace(".", "").isalnum():
            raise StoreError(f"backend {redact(self.url)}: table name {self.table!r} is not a plain identifier")
        self._connect = {
            "user": unquote(parts.username or os.environ.get("PGUSER", "postgres")),
            "password": unquote(parts.password) if parts.password else os.environ.get("PGPASSWORD"),
            "host": parts.hostname or "localhost",
            "port": parts.port or 5432,
            "database": unquote(parts.path.lstrip("/")) or None,
            "timeout": 30,
        }
        # Fails here, with the reason, when the server cannot be reached.
        self._connection().close()

    def _connection(self) -> pg8000.native.Connection:
        failure: BaseException | None = None
        for context in _tls_attempts(self._query):
            try:
                return pg8000.native.Connection(**self._connect, ssl_context=context)
            except (pg8000.native.InterfaceError, pg8000.native.DatabaseError, OSError) as exc:
                failure = exc
        raise StoreError(f"backend {redact(self.url)}: cannot connect ({_reason(failure)})")

    def _run(self, sql: str, **params: Any) -> list[list[Any]]:
        # A connection per statement: recovery runs a handful, and none is left open behind it.
        db = self._connection()
        try:
            return db.run(sql.replace("{table}", self.table), **params) or []
        except pg8000.native.DatabaseError as exc:
            raise StoreError(f"backend {redact(self.url)}: {_reason(exc)}") from None
        finally:
            db.close()

    def keys(self, prefix: str) -> list[str]:
        wanted = self.prefix + prefix
        escaped = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._run("SELECT key FROM {table} WHERE key LIKE :p ORDER BY key", p=escaped + "%")
        return [str(row[0])[len(self.prefix) :] for row in rows]

    def read(self, key: str) -> bytes:
        rows = self._run("SELECT data::text FROM {table} WHERE key = :k", k=self.prefix + key)
        if not rows:
            raise KeyError(key)
        try:
            return base64.b64decode(json.loads(rows[0][0])["data"], validate=True)
        except (ValueError, KeyError, TypeError, binascii.Error):
            # The row is there but not in the backend's shape: to a reader it holds nothing usable.
            return b""

    def modified(self, key: str) -> float:
        rows = self._run(
            "SELECT extract(epoch FROM updated_at)::float8 FROM {table} WHERE key = :k", k=self.prefix + key
        )
        if not rows:
            raise KeyError(key)
        return float(rows[0][0])

    def write(self, key: str, data: bytes) -> None:
        row = json.dumps({"data": base64.b64encode(data).decode()})
        self._run(
            "INSERT INTO {table} (key, data) VALUES (:k, CAST(:d AS json)) "
            "ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data, updated_at = now()",
            k=self.prefix + key,
            d=row,
        )

    def delete(self, key: str) -> None:
        self._run("DELETE FROM {table} WHERE key = :k", k=self.prefix + key)

    def broken_metadata(self, key: str) -> str | None:
        return None

    def drop_metadata(self, key: str) -> None:
        return None


def _tls_attempts(query: dict[str, str]) -> list[ssl.SSLContext | None]:
    """libpq's sslmode as connection attempts: `prefer` (the default) and `allow` fall back to plain."""
    mode = query.get("sslmode", "prefer")
    if mode == "disable":
        return [None]
    context = ssl.create_default_context(cafile=query.get("sslrootcert"))
    if mode not in ("verify-ca", "verify-full"):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif mode == "verify-ca":
        context.check_hostname = False
    return [context, None] if mode in ("prefer", "allow") else [context]


def _reason(exc: BaseException | None) -> str:
    if isinstance(exc, pg8000.native.DatabaseError) and exc.args and isinstance(exc.args[0], dict):
        return str(exc.args[0].get("M", exc))
    return str(exc) or type(exc).__name__
