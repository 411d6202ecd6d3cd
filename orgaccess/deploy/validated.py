"""access.yaml validated once for a fleet: each stack's processes read their own part of it.

Every stack validates the whole file, so that a bad file stops every stack; at 5,000 orgs that is
0.46 s of CPU in the program and again in the provider (for its warm-up), in each of a fleet's
35 stacks. `orgaccess fleet` has validated the file already before it starts them, so it writes
each stack's part (what `Shard.narrow` keeps) into a directory it hands them
(`ORGACCESS_VALIDATED_DIR`), named by the SHA-256 of the file's bytes, the dialect and the shard.
A process that finds the part of the very bytes it read uses it (pydantic validates its fields
again, 150 orgs in milliseconds); one that does not, with `pulumi preview` run by hand say,
validates the whole file as ever. The parts hold the declarations only, never a credential.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from pydantic import ValidationError

from orgaccess.declarations.access_yaml import Declarations, decode_declarations, load_declarations
from orgaccess.deploy.shard import parse_shard
from orgaccess.platform.dialect import Dialect

VALIDATED_DIR_ENV = "ORGACCESS_VALIDATED_DIR"
_log = logging.getLogger("orgaccess.deploy.validated")


def write_parts(path: Path, dialect: Dialect, shards: list[str], directory: Path) -> None:
    """Validates the file at `path` (raising its DeclarationError) and writes the part of each shard."""
    raw = path.read_bytes()
    # From the very bytes the parts are named by, so a file changed meanwhile gets no part of it.
    decls = decode_declarations(raw, dialect, str(path))
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    # The parts of earlier versions of the file are never read again (a runner still on one
    # would validate its whole file, as without parts).
    digest = hashlib.sha256(raw).hexdigest()
    for stale in directory.glob("*.json"):
        if not stale.name.startswith(digest):
            stale.unlink(missing_ok=True)
    for shard in shards:
        part = directory / _name(digest, dialect, shard)
        temporary = part.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(parse_shard(shard, dialect).narrow(decls).model_dump_json(), encoding="utf-8")
        # Atomic: a stack of a concurrent runner never reads a part half written.
        temporary.replace(part)


def load_part(path: str | Path, dialect: Dialect, shard: str | None) -> Declarations:
    """The declarations a stack of `shard` plans: its part when one was written for these bytes, else the whole file."""
    directory = os.environ.get(VALIDATED_DIR_ENV)
    if directory:
        try:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            return Declarations.model_validate_json(
                (Path(directory) / _name(digest, dialect, shard or "")).read_bytes()
            )
        except (OSError, ValidationError):
            _log.debug("no validated part of %s for shard %r; validating the whole file", path, shard)
    return load_declarations(path, dialect)


def _name(digest: str, dialect: Dialect, shard: str) -> str:
    shard_part = shard.replace(":", "-").replace("/", "-of-") or "whole"
    return f"{digest}-{dialect.name}-{shard_part}.json"
