"""`orgaccess fleet preview|up|drift`: one access.yaml over many stacks on a shared backend.

See docs/fleet.md. The stacks are `accounts` and `orgs-<i>-of-<n>`; their state is wherever
PULUMI_BACKEND_URL points (PostgreSQL for a fleet shared by CI runners and operators).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from orgaccess.cli.common import (
    DEFAULT_DECLARATIONS_PATH,
    ApiUrlOption,
    ClientIdOption,
    ClientSecretFileOption,
    CommandError,
    DeclarationsOption,
    connect,
    credentials,
    explained_errors,
    out,
    progress,
)
from orgaccess.cli.drift_cmd import HTML_EXIT, OutputOption, emit
from orgaccess.declarations import Declarations, load_declarations
from orgaccess.driftpage import Source, render, totals_line
from orgaccess.fleet.layout import StackSpec, fleet_stacks, select_stacks, stack_objects
from orgaccess.fleet.report import ERROR, NO_DRIFT, drift_exit_code, error_exit_code, stack_rows, summary_table
from orgaccess.fleet.runner import Operation, Outcome, run_fleet
from orgaccess.fleet.workspace import Backend
from orgaccess.health import exit_state, org_health
from orgaccess.settings import Settings

EXAMPLES = """Examples:

  export PULUMI_BACKEND_URL='postgres://user:pass@127.0.0.1:5432/pulumi?sslmode=disable'
  export PULUMI_CONFIG_PASSPHRASE=...  ORGACCESS_CLIENT_ID=...  ORGACCESS_CLIENT_SECRET=...
  orgaccess fleet preview --stacks 8 --jobs 4
  orgaccess fleet up --stacks 8
  orgaccess fleet drift --stacks 8      # exit 0 none, 2 drift, 1 error
  orgaccess fleet drift --stacks 8 --format html --output drift.html
  orgaccess fleet up --stacks 8 --only orgs-3-of-8 --lock-timeout 600   # one stack per CI job
"""

app = typer.Typer(
    name="fleet",
    help="Run access.yaml as a fleet of stacks (one for the accounts, n for the orgs) on a shared backend.",
    no_args_is_help=True,
)

StacksOption = Annotated[
    int,
    typer.Option("--stacks", "-n", min=1, help="How many org stacks the orgs are split over (by a hash of the id)."),
]
JobsOption = Annotated[int, typer.Option("--jobs", "-j", min=1, help="How many org stacks run at once.")]
BackendOption = Annotated[
    str,
    typer.Option(
        "--backend-url",
        envvar="PULUMI_BACKEND_URL",
        help="The shared state backend, e.g. postgres://user:pass@host:5432/db?sslmode=disable.",
        show_default=False,
    ),
]
WorkDirOption = Annotated[
    Path,
    typer.Option("--work-dir", help="Where the stacks' project copies and logs are kept on this machine."),
]
OnlyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--only",
        help="Run only this stack (repeatable; names from `orgaccess fleet stacks`). Default: every stack.",
        show_default=False,
    ),
]
LockTimeoutOption = Annotated[
    float,
    typer.Option(
        "--lock-timeout",
        min=0,
        help="Seconds to keep trying a stack that another runner holds locked (only up takes a lock); 0 fails at once.",
    ),
]
DEFAULT_STACKS = 8
DEFAULT_JOBS = 4
DEFAULT_WORK_DIR = Path(".state/fleet")


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


class DriftFormat(StrEnum):
    TEXT = "text"
    HTML = "html"


@dataclass(frozen=True)
class FleetRun:
    """What a fleet command ran: the declarations, the stacks, and each stack's outcome."""

    decls: Declarations
    specs: list[StackSpec]
    settings: Settings
    outcomes: list[Outcome]


def _run(
    operation: Operation,
    *,
    backend_url: str,
    declarations: Path,
    stacks: int,
    jobs: int,
    work_dir: Path,
    only: list[str] | None,
    lock_timeout: float,
    credential_flags: tuple[str | None, str | None, Path | None],
) -> FleetRun:
    # Bad declarations stop here, before any stack runs; each stack's program checks them again.
    decls = load_declarations(declarations)
    specs = _selected(fleet_stacks(decls, stacks), only)
    settings = credentials(*credential_flags)
    backend = Backend(backend_url, _passphrase(), work_dir.resolve())
    with progress(f"fleet {operation.value}", len(specs)) as advance:
        outcomes = run_fleet(
            operation,
            specs,
            declarations=declarations,
            backend=backend,
            settings=settings,
            jobs=jobs,
            lock_timeout=lock_timeout,
            done=lambda outcome: advance(outcome.stack.name),
        )
    return FleetRun(decls, specs, settings, outcomes)


def _command(operation: Operation, title: str) -> Callable[..., None]:
    """`fleet preview` or `fleet up`: run `operation` on the stacks, print the table, exit 1 if a stack failed."""

    @explained_errors
    def command(
        backend_url: BackendOption,
        declarations: DeclarationsOption = DEFAULT_DECLARATIONS_PATH,
        stacks: StacksOption = DEFAULT_STACKS,
        jobs: JobsOption = DEFAULT_JOBS,
        only: OnlyOption = None,
        lock_timeout: LockTimeoutOption = 0.0,
        work_dir: WorkDirOption = DEFAULT_WORK_DIR,
        api_url: ApiUrlOption = None,
        client_id: ClientIdOption = None,
        client_secret_file: ClientSecretFileOption = None,
    ) -> None:
        run = _run(
            operation,
            backend_url=backend_url,
            declarations=declarations,
            stacks=stacks,
            jobs=jobs,
            work_dir=work_dir,
            only=only,
            lock_timeout=lock_timeout,
            credential_flags=(api_url, client_id, client_secret_file),
        )
        out().print(summary_table(run.outcomes, title, applied=operation is Operation.UP))
        raise typer.Exit(error_exit_code(run.outcomes))

    return command


app.command(
    "preview", epilog=EXAMPLES, help="Preview every stack: what `up` would change. Exit 0, 1 if a stack failed."
)(_command(Operation.PREVIEW, "orgaccess fleet preview"))
app.command(
    "up", epilog=EXAMPLES, help="Converge: the accounts stack first, then the org stacks. Exit 0, 1 if a stack failed."
)(_command(Operation.UP, "orgaccess fleet up"))


@app.command(epilog=EXAMPLES)
@explained_errors
def drift(
    backend_url: BackendOption,
    output_format: Annotated[
        DriftFormat,
        typer.Option("--format", "-f", help="text: the stacks' table; html: one page for the whole fleet."),
    ] = DriftFormat.TEXT,
    output: OutputOption = None,
    declarations: DeclarationsOption = DEFAULT_DECLARATIONS_PATH,
    stacks: StacksOption = DEFAULT_STACKS,
    jobs: JobsOption = DEFAULT_JOBS,
    only: OnlyOption = None,
    lock_timeout: LockTimeoutOption = 0.0,
    work_dir: WorkDirOption = DEFAULT_WORK_DIR,
    api_url: ApiUrlOption = None,
    client_id: ClientIdOption = None,
    client_secret_file: ClientSecretFileOption = None,
) -> None:
    """Preview every stack and judge: exit 0 no drift, 2 drift, 1 a stack failed (or, in html, an org unreadable)."""
    run = _run(
        Operation.PREVIEW,
        backend_url=backend_url,
        declarations=declarations,
        stacks=stacks,
        jobs=jobs,
        work_dir=work_dir,
        only=only,
        lock_timeout=lock_timeout,
        credential_flags=(api_url, client_id, client_secret_file),
    )
    table = summary_table(run.outcomes, "orgaccess fleet drift", applied=False)
    code = drift_exit_code(run.outcomes)
    if output_format is DriftFormat.TEXT:
        out().print(table)
        raise typer.Exit(code)
    # The page's detail is read here, by the same comparison the stacks' providers make.
    connect(run.settings)
    by_org = stack_objects(run.decls, run.specs)
    with progress("Reading orgs for the page", len(by_org)) as done:
        health = org_health(run.decls, by_org, done=done)
    page = render(health, Source(declarations, datetime.now(UTC)), stack_rows(run.outcomes, applied=False))
    if output is not None:
        out().print(table)
    emit(page, output, totals_line(health))
    raise typer.Exit(_worse(code, HTML_EXIT.get(exit_state(health), NO_DRIFT)))


@app.command("stacks", epilog=EXAMPLES)
@explained_errors
def list_stacks(
    declarations: DeclarationsOption = DEFAULT_DECLARATIONS_PATH,
    stacks: StacksOption = DEFAULT_STACKS,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="json: a list of names, for a CI matrix.")
    ] = Format.TEXT,
) -> None:
    """The fleet's stack names, the accounts stack first (for `--only` and CI matrices)."""
    specs = fleet_stacks(load_declarations(declarations), stacks)
    if output_format is Format.JSON:
        typer.echo(json.dumps([spec.name for spec in specs]))
        return
    for spec in specs:
        typer.echo(f"{spec.name}\t{'accounts' if spec.is_accounts else f'{len(spec.orgs)} orgs'}")


def _selected(specs: list[StackSpec], only: list[str] | None) -> list[StackSpec]:
    try:
        return select_stacks(specs, only or [])
    except ValueError as exc:
        raise CommandError(f"--only: {exc}") from None


def _worse(a: int, b: int) -> int:
    """Of two exit codes, the one that says more: an error, then drift, then none."""
    return ERROR if ERROR in (a, b) else max(a, b)


def _passphrase() -> str:
    passphrase = os.environ.get("PULUMI_CONFIG_PASSPHRASE")
    if not passphrase:
        raise CommandError(
            "PULUMI_CONFIG_PASSPHRASE is not set; every runner of the fleet needs the same passphrase "
            "to read the secrets in its state"
        )
    return passphrase
