"""`orgaccess export`: access.yaml from the platform's live state."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgaccess.cli.common import (
    ApiUrlOption,
    ClientIdOption,
    ClientSecretFileOption,
    CommandError,
    PlatformOption,
    connect,
    credentials,
    explained_errors,
)
from orgaccess.cli.progress import progress
from orgaccess.dialects import of
from orgaccess.reports.export import credentials_home, export_declarations

EXAMPLES = """\
Examples:

  orgaccess export --org org-primary --org org-partner-a --org org-partner-b -o access.yaml

  orgaccess export --org org-primary --org org-partner-a --service-account "Premium App"

Applying the output (pulumi up) changes nothing: `pulumi preview --expect-no-changes` passes.
Exit status: 0 written, 1 error.
"""


@explained_errors
def export(
    org: Annotated[list[str], typer.Option("--org", help="An org to export (repeatable).", show_default=False)],
    service_account: Annotated[
        list[str] | None,
        typer.Option(
            "--service-account",
            help="A service account of the home org to declare (repeatable; default: all but orgaccess's own).",
            show_default=False,
        ),
    ] = None,
    home_org: Annotated[
        str | None,
        typer.Option(
            "--home-org",
            help="Where the service accounts live (default: the --org holding orgaccess's own account).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False, help="Write here instead of stdout.", show_default=False),
    ] = None,
    api_url: ApiUrlOption = None,
    client_id: ClientIdOption = None,
    client_secret_file: ClientSecretFileOption = None,
    platform: PlatformOption = None,
) -> None:
    """Print access.yaml for the live state of the given orgs."""
    settings = credentials(api_url, client_id, client_secret_file, platform)
    dialect, fleet = of(settings), connect(settings)
    home = home_org or credentials_home(fleet, dialect, org)
    if home is None:
        raise CommandError("none of the --org holds orgaccess's own account; name the home org with --home-org")
    with progress("Reading orgs", len(set(org))) as done:
        text = export_declarations(fleet, dialect, home, org, service_account, done=done)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"{output}: cannot write ({exc.strerror}); check the path") from None
