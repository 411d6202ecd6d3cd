"""What the fleet commands share: connection options, credentials, one-line errors, progress.

Credentials come from the same places as the stack's, minus Pulumi config: env
ORGACCESS_CLIENT_ID / ORGACCESS_CLIENT_SECRET, or `--client-id` and `--client-secret-file`.
There is deliberately no flag for a secret's value: it would show in `ps` and shell history.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console

from orgaccess import dialects
from orgaccess.declarations.access_yaml import DeclarationError
from orgaccess.dialects.base import Definition
from orgaccess.perorg import ORGS_PER_PROCESS, processes_for
from orgaccess.platform._redact import RedactingFilter, redact
from orgaccess.platform.errors import PlatformError, TransportError
from orgaccess.platform.settings import (
    DEFAULT_API_URL,
    DEFAULT_DECLARATIONS,
    MissingCredentials,
    Settings,
    SettingsError,
)
from orgaccess.reconciler.kinds.base import KindError
from orgaccess.reconciler.snapshot import Fleet
from orgaccess.reports.export import ExportError
from orgaccess.reports.reading import Check, Reading, nothing_to_check

P = ParamSpec("P")
R = TypeVar("R")

ERROR_EXIT = 1


class CommandError(Exception):
    """A problem the user can fix, found by a command itself; the message says how."""


# Every error here is written for people; anything else is a bug and keeps its traceback.
EXPLAINED = (CommandError, DeclarationError, ExportError, SettingsError, PlatformError, KindError)

DeclarationsOption = Annotated[
    Path,
    typer.Option("--declarations", "-d", help="The declarations file.", show_default=True),
]
ApiUrlOption = Annotated[
    str | None,
    typer.Option(
        "--api-url",
        help=f"The platform's base URL (env ORGACCESS_API_URL; default {DEFAULT_API_URL}, the emulator).",
        show_default=False,
    ),
]
ClientIdOption = Annotated[
    str | None,
    typer.Option("--client-id", help="orgaccess's own client id (env ORGACCESS_CLIENT_ID).", show_default=False),
]
ClientSecretFileOption = Annotated[
    Path | None,
    typer.Option(
        "--client-secret-file",
        help="A file holding orgaccess's own client secret (else env ORGACCESS_CLIENT_SECRET).",
        show_default=False,
        dir_okay=False,
    ),
]


def _known_platform(value: str | None) -> str | None:
    """`--platform` names a registered dialect (a usage error otherwise, as for any bad flag)."""
    if value is not None and value not in dialects.DIALECTS:
        raise typer.BadParameter(f"{value!r} is not one of " + ", ".join(map(repr, dialects.DIALECTS)))
    return value


ProcessesOption = Annotated[
    int | None,
    typer.Option(
        "--processes",
        min=1,
        help=f"Processes that read the orgs (default: one per {ORGS_PER_PROCESS:,} orgs, at most one per core).",
        show_default=False,
    ),
]
PlatformOption = Annotated[
    str | None,
    typer.Option(
        "--platform",
        metavar="|".join(dialects.DIALECTS),
        callback=_known_platform,
        help="The platform's dialect (env ORGACCESS_PLATFORM; default seed). "
        "On genesys-cloud orgaccess's credentials are one admin client per org, in env ORGACCESS_ORG_CREDENTIALS "
        '(JSON: {"<org id>": {"clientId": ..., "clientSecret": ...}}, or the path of a file holding it).',
        show_default=False,
    ),
]
DEFAULT_DECLARATIONS_PATH = Path(DEFAULT_DECLARATIONS)


def explained_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Runs `command`, turning every expected error into `orgaccess: error: ...` and exit 1."""

    @functools.wraps(command)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except TransportError as exc:
            fail(f"{exc}; check that the platform is up at --api-url (or ORGACCESS_API_URL)")
        except EXPLAINED as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            raise typer.Exit(130) from None

    return guarded


def fail(message: str) -> NoReturn:
    """Prints `message`, scrubbed of secrets, one `orgaccess: error:` line per line of it, and exits 1."""
    for line in redact(message).strip().splitlines() or ["failed"]:
        print(f"orgaccess: error: {line}", file=sys.stderr)
    raise typer.Exit(ERROR_EXIT)


def log_to_stderr() -> None:
    """`-v`: every platform call, one line each on stderr, scrubbed of secrets like every error."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("orgaccess: %(name)s: %(message)s"))
    logger = logging.getLogger("orgaccess")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def credentials(
    api_url: str | None, client_id: str | None, client_secret_file: Path | None, platform: str | None = None
) -> Settings:
    """orgaccess's own settings: flags first, then env, as the stack's (without Pulumi config)."""
    overrides = {
        "clientId": client_id,
        "clientSecret": read_secret(client_secret_file) if client_secret_file else None,
        "platform": platform,
    }
    chosen = dialects.chosen(overrides.get)
    try:
        return dialects.resolve(overrides.get, api_url=api_url)
    except MissingCredentials:
        if chosen.per_org_credentials:
            raise
        raise MissingCredentials(
            "orgaccess has no credentials for the platform; set --client-id or env ORGACCESS_CLIENT_ID "
            "and --client-secret-file or env ORGACCESS_CLIENT_SECRET"
        ) from None


def dialect(platform: str | None) -> Definition:
    """The dialect of a command that reads no credentials: --platform, else env ORGACCESS_PLATFORM, else seed."""
    return dialects.chosen({"platform": platform}.get)


def reading(
    settings: Settings, fleet: Fleet, orgs: int, processes: int | None, check: Check = nothing_to_check
) -> Reading:
    """How a report reads `orgs` orgs: through `fleet`, or in `processes` (default: as many as pay),
    `check`ing each share's orgs before it reads them."""
    return Reading(fleet, settings, processes_for(orgs) if processes is None else processes, check)


def connect(settings: Settings) -> Fleet:
    """The live view of every org, through orgaccess's own client of the dialect `settings` name:
    the snapshot the providers read through, made for this command."""
    return Fleet(dialects.connect(settings))


def read_secret(path: Path) -> str:
    """The first line of a secret file; never echoed, not even in an error."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not readable text"
        raise CommandError(f"{path}: cannot read the secret file ({reason}); check the path") from None
    secret = text.strip().splitlines()[0] if text.strip() else ""
    if not secret:
        raise CommandError(f"{path}: the secret file is empty; write the client secret into it")
    return secret


def out() -> Console:
    """stdout for results: nothing in a name (brackets, colons) is read as markup or emoji; no wrapping."""
    return Console(highlight=False, markup=False, emoji=False, soft_wrap=True)
