"""Platform state in SQLite: one connection guarded by a lock, one transaction per write.

Reads and writes are plain functions over a connection so a route composes them inside a single
`Store.write()` transaction: a request that fails half-way changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from orgaccess.platform.models import (
    GrantType,
    LicenseFeature,
    OAuthClient,
    Organization,
    OrgLock,
    OrgRef,
    Role,
    ScreenRecording,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS orgs (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS links (
    org_id TEXT NOT NULL, linked_id TEXT NOT NULL, PRIMARY KEY (org_id, linked_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS clients (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
    grant_type TEXT NOT NULL, scopes TEXT NOT NULL, org_lock TEXT NOT NULL,
    secret_hash TEXT NOT NULL, version INTEGER NOT NULL, UNIQUE (org_id, name));
CREATE TABLE IF NOT EXISTS roles (
    org_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
    permissions TEXT NOT NULL, built_in INTEGER NOT NULL, version INTEGER NOT NULL,
    PRIMARY KEY (org_id, id), UNIQUE (org_id, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS divisions (
    org_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (org_id, id), UNIQUE (org_id, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS grants (
    org_id TEXT NOT NULL, subject TEXT NOT NULL, role_id TEXT NOT NULL, division TEXT NOT NULL,
    PRIMARY KEY (org_id, subject, role_id, division)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS grants_by_subject ON grants (subject);
CREATE TABLE IF NOT EXISTS licenses (
    org_id TEXT NOT NULL, name TEXT NOT NULL, enabled INTEGER NOT NULL, self_service INTEGER NOT NULL,
    PRIMARY KEY (org_id, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS recordings (
    org_id TEXT NOT NULL, id TEXT NOT NULL, conversation_id TEXT NOT NULL, user_id TEXT NOT NULL,
    start_time TEXT NOT NULL, duration_ms INTEGER NOT NULL, media_uri TEXT NOT NULL, division TEXT NOT NULL,
    PRIMARY KEY (org_id, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, org_id TEXT NOT NULL, scopes TEXT NOT NULL,
    expires_at REAL NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS tokens_by_client ON tokens (client_id);
"""
_TABLES = ("orgs", "links", "clients", "roles", "divisions", "grants", "licenses", "recordings", "tokens")
# Where a grant or a recording is: the org's home division (every one on the seed platform, which
# has no divisions), every division (a grant only), or the id of one of the org's `divisions`.
HOME = ""
ALL_DIVISIONS = "*"


def digest(secret: str) -> str:
    """Secrets and tokens are stored hashed, as a platform would."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_id() -> str:
    return str(uuid.uuid4())


class Store:
    """The SQLite database; `path=":memory:"` for a throwaway platform."""

    def __init__(self, path: str) -> None:
        if path != ":memory:":
            # Created private before SQLite opens it (its -wal and -shm files copy the mode): it
            # holds the hashes of every secret and token.
            os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        # One connection shared by all threads, serialised by the lock: simpler than a pool and
        # fast enough, since every statement here takes microseconds.
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._db

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def is_empty(self) -> bool:
        with self.read() as db:
            return db.execute("SELECT 1 FROM orgs LIMIT 1").fetchone() is None

    def close(self) -> None:
        with self._lock:
            self._db.close()


@dataclass(frozen=True)
class StateRows:
    """Everything a scenario puts in the database, as rows ready for `executemany`."""

    orgs: list[tuple[str, str]]
    links: list[tuple[str, str]]
    clients: list[tuple[str, str, str, str, str, str, str, str, int]]
    roles: list[tuple[str, str, str, str, str, int, int]]
    divisions: list[tuple[str, str, str]]
    grants: list[tuple[str, str, str, str]]
    licenses: list[tuple[str, str, int, int]]
    recordings: list[tuple[str, str, str, str, str, int, str, str]]


def replace_state(db: sqlite3.Connection, rows: StateRows) -> None:
    for table in _TABLES:
        db.execute(f"DELETE FROM {table}")
    db.executemany("INSERT INTO orgs VALUES (?, ?)", rows.orgs)
    db.executemany("INSERT OR IGNORE INTO links VALUES (?, ?)", rows.links)
    db.executemany("INSERT INTO clients VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows.clients)
    db.executemany("INSERT INTO roles VALUES (?, ?, ?, ?, ?, ?, ?)", rows.roles)
    db.executemany("INSERT INTO divisions VALUES (?, ?, ?)", rows.divisions)
    db.executemany("INSERT OR IGNORE INTO grants VALUES (?, ?, ?, ?)", rows.grants)
    db.executemany("INSERT INTO licenses VALUES (?, ?, ?, ?)", rows.licenses)
    db.executemany("INSERT INTO recordings VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows.recordings)


# Organizations


def is_linked(db: sqlite3.Connection, org_id: str, other: str) -> bool:
    row = db.execute("SELECT 1 FROM links WHERE org_id = ? AND linked_id = ?", (org_id, other))
    return row.fetchone() is not None


def get_org(db: sqlite3.Connection, org_id: str) -> Organization:
    name = db.execute("SELECT name FROM orgs WHERE id = ?", (org_id,)).fetchone()["name"]
    linked = db.execute(
        "SELECT o.id, o.name FROM links l JOIN orgs o ON o.id = l.linked_id WHERE l.org_id = ? ORDER BY o.id",
        (org_id,),
    )
    return Organization(id=org_id, name=name, linkedOrganizations=[OrgRef(**dict(r)) for r in linked])


# Service accounts


@dataclass(frozen=True)
class ClientRecord:
    """A service account as stored: the wire fields plus its home org and secret hash."""

    client: OAuthClient
    org_id: str
    secret_hash: str


def _client(row: sqlite3.Row) -> ClientRecord:
    client = OAuthClient(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        authorizedGrantType=GrantType(row["grant_type"]),
        scopes=row["scopes"].split(),
        orgLock=OrgLock(row["org_lock"]),
        version=row["version"],
    )
    return ClientRecord(client=client, org_id=row["org_id"], secret_hash=row["secret_hash"])


def get_client(db: sqlite3.Connection, client_id: str) -> ClientRecord | None:
    row = db.execute("SELECT * FROM clients WHERE id = ?", (client_id,)).fetchone()
    return _client(row) if row else None


def client_org_lock(db: sqlite3.Connection, client_id: str) -> OrgLock | None:
    """The one field every call needs, without building the whole account."""
    row = db.execute("SELECT org_lock FROM clients WHERE id = ?", (client_id,)).fetchone()
    return OrgLock(row[0]) if row else None


def list_clients(db: sqlite3.Connection, org_id: str) -> list[OAuthClient]:
    rows = db.execute("SELECT * FROM clients WHERE org_id = ? ORDER BY name, id", (org_id,))
    return [_client(row).client for row in rows]


def client_name_taken(db: sqlite3.Connection, org_id: str, name: str, except_id: str = "") -> bool:
    row = db.execute("SELECT 1 FROM clients WHERE org_id = ? AND name = ? AND id != ?", (org_id, name, except_id))
    return row.fetchone() is not None


ClientRow = tuple[str, str, str, str, str, str, str, str, int]


def client_row(org_id: str, client: OAuthClient, secret_hash: str) -> ClientRow:
    """A client as the `clients` table holds it (a scenario's clients are loaded the same way)."""
    return (
        client.id,
        org_id,
        client.name,
        client.description,
        client.authorizedGrantType.value,
        " ".join(client.scopes),
        client.orgLock.value,
        secret_hash,
        client.version,
    )


def save_client(db: sqlite3.Connection, org_id: str, client: OAuthClient, secret_hash: str) -> None:
    row = client_row(org_id, client, secret_hash)
    db.execute("INSERT OR REPLACE INTO clients VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)


def delete_client(db: sqlite3.Connection, client_id: str) -> None:
    """Deletes the account, its grants in every org, and revokes its tokens."""
    db.execute("DELETE FROM clients WHERE id = ?", (client_id,))
    db.execute("DELETE FROM grants WHERE subject = ?", (client_id,))
    db.execute("UPDATE tokens SET revoked = 1 WHERE client_id = ?", (client_id,))


# Roles and grants


def _role(row: sqlite3.Row) -> Role:
    return Role(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        permissions=row["permissions"].split(),
        builtIn=bool(row["built_in"]),
        version=row["version"],
    )


def list_roles(db: sqlite3.Connection, org_id: str, name: str | None = None) -> list[Role]:
    if name is None:
        rows = db.execute("SELECT * FROM roles WHERE org_id = ? ORDER BY name", (org_id,))
    else:
        rows = db.execute("SELECT * FROM roles WHERE org_id = ? AND name = ?", (org_id, name))
    return [_role(row) for row in rows]


def get_role(db: sqlite3.Connection, org_id: str, role_id: str) -> Role | None:
    row = db.execute("SELECT * FROM roles WHERE org_id = ? AND id = ?", (org_id, role_id)).fetchone()
    return _role(row) if row else None


def role_name_taken(db: sqlite3.Connection, org_id: str, name: str, except_id: str = "") -> bool:
    row = db.execute("SELECT 1 FROM roles WHERE org_id = ? AND name = ? AND id != ?", (org_id, name, except_id))
    return row.fetchone() is not None


def save_role(db: sqlite3.Connection, org_id: str, role: Role) -> None:
    db.execute(
        "INSERT OR REPLACE INTO roles VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            org_id,
            role.id,
            role.name,
            role.description,
            " ".join(role.permissions),
            int(role.builtIn),
            role.version,
        ),
    )


def delete_role(db: sqlite3.Connection, org_id: str, role_id: str) -> None:
    db.execute("DELETE FROM roles WHERE org_id = ? AND id = ?", (org_id, role_id))
    db.execute("DELETE FROM grants WHERE org_id = ? AND role_id = ?", (org_id, role_id))


def subject_roles(db: sqlite3.Connection, org_id: str, subject: str) -> list[Role]:
    """The roles granted to `subject` in `org_id`, in any division."""
    rows = db.execute(
        "SELECT DISTINCT r.* FROM grants g JOIN roles r ON r.org_id = g.org_id AND r.id = g.role_id "
        "WHERE g.org_id = ? AND g.subject = ? ORDER BY r.name",
        (org_id, subject),
    )
    return [_role(row) for row in rows]


def subject_grants(db: sqlite3.Connection, org_id: str, subject: str) -> list[tuple[Role, str]]:
    """`subject`'s grants in `org_id`: (role, division) pairs, by role name then division."""
    rows = db.execute(
        "SELECT r.*, g.division AS grant_division FROM grants g "
        "JOIN roles r ON r.org_id = g.org_id AND r.id = g.role_id "
        "WHERE g.org_id = ? AND g.subject = ? ORDER BY r.name, g.division",
        (org_id, subject),
    )
    return [(_role(row), row["grant_division"]) for row in rows]


def role_divisions(db: sqlite3.Connection, org_id: str) -> dict[str, list[tuple[str, str]]]:
    """Every subject's grants in `org_id` as (role id, division) pairs, by role name then division.

    One query for a listing of many subjects, and no role built: a clients listing answers ids only."""
    rows = db.execute(
        "SELECT g.subject, g.role_id, g.division FROM grants g "
        "JOIN roles r ON r.org_id = g.org_id AND r.id = g.role_id "
        "WHERE g.org_id = ? ORDER BY r.name, g.division",
        (org_id,),
    )
    pairs: dict[str, list[tuple[str, str]]] = {}
    for subject, role_id, division in rows:
        pairs.setdefault(subject, []).append((role_id, division))
    return pairs


def subject_permissions(db: sqlite3.Connection, org_id: str, subject: str) -> frozenset[str]:
    rows = db.execute(
        "SELECT r.permissions FROM grants g JOIN roles r ON r.org_id = g.org_id AND r.id = g.role_id "
        "WHERE g.org_id = ? AND g.subject = ?",
        (org_id, subject),
    )
    return frozenset(perm for (perms,) in rows for perm in perms.split())


def permissions_by_subject(db: sqlite3.Connection, org_id: str) -> dict[str, frozenset[str]]:
    return _permission_sets(db, per="subject", where="org_id", value=org_id)


def permissions_by_org(db: sqlite3.Connection, subject: str) -> dict[str, frozenset[str]]:
    """What `subject` holds through its roles, per org where it holds any role."""
    return _permission_sets(db, per="org_id", where="subject", value=subject)


_GrantColumn = Literal["subject", "org_id"]


def _permission_sets(
    db: sqlite3.Connection, *, per: _GrantColumn, where: _GrantColumn, value: str
) -> dict[str, frozenset[str]]:
    """The permissions granted through roles, as one set per value of the `per` column of grants."""
    rows = db.execute(
        f"SELECT g.{per}, r.permissions FROM grants g "
        f"JOIN roles r ON r.org_id = g.org_id AND r.id = g.role_id WHERE g.{where} = ?",
        (value,),
    )
    held: dict[str, set[str]] = {}
    for key, perms in rows:
        held.setdefault(key, set()).update(perms.split())
    return {key: frozenset(perms) for key, perms in held.items()}


def grant(db: sqlite3.Connection, org_id: str, subject: str, role_id: str, division: str = HOME) -> None:
    db.execute("INSERT OR IGNORE INTO grants VALUES (?, ?, ?, ?)", (org_id, subject, role_id, division))


def revoke(db: sqlite3.Connection, org_id: str, subject: str, role_id: str, division: str = HOME) -> bool:
    cursor = db.execute(
        "DELETE FROM grants WHERE org_id = ? AND subject = ? AND role_id = ? AND division = ?",
        (org_id, subject, role_id, division),
    )
    return cursor.rowcount > 0


# Divisions (genesys-cloud): the home one is implied, these are the others.


def list_divisions(db: sqlite3.Connection, org_id: str) -> list[tuple[str, str]]:
    """(id, name) of the org's divisions other than home, by name."""
    rows = db.execute("SELECT id, name FROM divisions WHERE org_id = ? ORDER BY name", (org_id,))
    return [(row["id"], row["name"]) for row in rows]


# License features


def _license(row: sqlite3.Row) -> LicenseFeature:
    return LicenseFeature(name=row["name"], enabled=bool(row["enabled"]), selfService=bool(row["self_service"]))


def list_licenses(db: sqlite3.Connection, org_id: str) -> list[LicenseFeature]:
    rows = db.execute("SELECT * FROM licenses WHERE org_id = ? ORDER BY name", (org_id,))
    return [_license(row) for row in rows]


def get_license(db: sqlite3.Connection, org_id: str, name: str) -> LicenseFeature | None:
    row = db.execute("SELECT * FROM licenses WHERE org_id = ? AND name = ?", (org_id, name)).fetchone()
    return _license(row) if row else None


def set_license(db: sqlite3.Connection, org_id: str, name: str, enabled: bool) -> None:
    db.execute("UPDATE licenses SET enabled = ? WHERE org_id = ? AND name = ?", (int(enabled), org_id, name))


# Screen recordings


def recording_divisions(db: sqlite3.Connection, org_id: str) -> dict[str, int]:
    """How many of the org's recordings each division holds."""
    rows = db.execute("SELECT division, COUNT(*) AS n FROM recordings WHERE org_id = ? GROUP BY division", (org_id,))
    return {row["division"]: row["n"] for row in rows}


def list_recordings(db: sqlite3.Connection, org_id: str) -> list[ScreenRecording]:
    rows = db.execute("SELECT * FROM recordings WHERE org_id = ? ORDER BY start_time, id", (org_id,))
    return [
        ScreenRecording(
            id=row["id"],
            conversationId=row["conversation_id"],
            userId=row["user_id"],
            startTime=row["start_time"],
            durationMs=row["duration_ms"],
            mediaUri=row["media_uri"],
        )
        for row in rows
    ]


def delete_recording(db: sqlite3.Connection, org_id: str, recording_id: str) -> bool:
    cursor = db.execute("DELETE FROM recordings WHERE org_id = ? AND id = ?", (org_id, recording_id))
    return cursor.rowcount > 0


# Tokens


@dataclass(frozen=True)
class TokenRecord:
    client_id: str
    org_id: str
    scopes: frozenset[str]
    expires_at: float
    revoked: bool


def save_token(db: sqlite3.Connection, token_hash: str, record: TokenRecord) -> None:
    db.execute(
        "INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?)",
        (token_hash, record.client_id, record.org_id, " ".join(sorted(record.scopes)), record.expires_at, 0),
    )


def find_token(db: sqlite3.Connection, token_hash: str) -> TokenRecord | None:
    row = db.execute("SELECT * FROM tokens WHERE token_hash = ?", (token_hash,)).fetchone()
    if row is None:
        return None
    return TokenRecord(
        client_id=row["client_id"],
        org_id=row["org_id"],
        scopes=frozenset(row["scopes"].split()),
        expires_at=row["expires_at"],
        revoked=bool(row["revoked"]),
    )
