"""`orgaccess fleet preview|up|drift`: one access.yaml over many stacks on a shared backend.

See docs/fleet.md. The stacks are `accounts` and `orgs-<i>-of-<n>`; their state is wherever
PULUMI_BACKEND_URL points (PostgreSQL for a fleet shared by CI runners and operators).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
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
    PlatformOption,
    connect,
    credentials,
    dialect,
    explained_errors,
    out,
    reading,
)
from orgaccess.cli.drift_cmd import HTML_EXIT, OutputOption, emit
from orgaccess.cli.progress import progress
from orgaccess.declarations.access_yaml import Declarations, fleet_org_ids, load_declarations
from orgaccess.dialects.base import Definition
from orgaccess.fleet import accounts_move, sizing
from orgaccess.fleet.admission import DEFAULT, Jobs
from orgaccess.fleet.layout import StackSpec, fleet_stacks, select_stacks, stack_objects
from orgaccess.fleet.report import (
    ERROR,
    NO_DRIFT,
    drift_exit_code,
    error_exit_code,
    result,
    stack_rows,
    summary_table,
)
from orgaccess.fleet.runner import Operation, Outcome, run_fleet
from orgaccess.fleet.sizing import MAX_STACKS, ORGS_PER_STACK
from orgaccess.fleet.workspace import Backend, environment
from orgaccess.platform.settings import Settings
from orgaccess.reports.driftpage import Source, render, totals_line
from orgaccess.reports.health import State, exit_state, org_health

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
    add_completion=False,
)

StacksOption = Annotated[
    int | None,
    typer.Option(
        "--stacks",
        "-n",
        min=1,
        help="How many org stacks the orgs are split over (by a hash of the id). Default: the fleet's own "
        f"on the backend, else one per {ORGS_PER_STACK} orgs, at most {MAX_STACKS} (docs/fleet.md, *Sizing*).",
        show_default=False,
    ),
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help=f"How many org stacks run at once. Default: {DEFAULT.at_once}, and up to {DEFAULT.idle_extra} more "
        "while the machine sits idle (stacks waiting on the platform's rate limit; docs/fleet.md).",
        show_default=False,
    ),
]
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
DEFAULT_WORK_DIR = Path(".state/fleet")


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


class PageFormat(StrEnum):
    TEXT = "text"
    HTML = "html"


PageFormatOption = Annotated[
    PageFormat,
    typer.Option(
        "--format",
        "-f",
        help="text: the stacks' table; html: one drift page for the orgs of the stacks run (after them).",
    ),
]


def _command(operation: Operation, title: str, exit_code: Callable[[list[Outcome]], int]) -> Callable[..., None]:
    """One fleet command: run `operation` on the stacks, print the table (or write the page), exit by `exit_code`."""

    @explained_errors
    def command(
        backend_url: BackendOption,
        declarations: DeclarationsOption = DEFAULT_DECLARATIONS_PATH,
        stacks: StacksOption = None,
        jobs: JobsOption = None,
        only: OnlyOption = None,
        lock_timeout: LockTimeoutOption = 0.0,
        output_format: PageFormatOption = PageFormat.TEXT,
        output: OutputOption = None,
        work_dir: WorkDirOption = DEFAULT_WORK_DIR,
        api_url: ApiUrlOption = None,
        client_id: ClientIdOption = None,
        client_secret_file: ClientSecretFileOption = None,
        platform: PlatformOption = None,
    ) -> None:
        # Bad declarations stop here, before any stack runs; each stack's program checks them again.
        chosen = dialect(platform)
        decls = load_declarations(declarations, chosen)
        every = fleet_stacks(decls, _split(stacks, decls, backend_url), chosen)
        specs = _selected(every, only)
        settings = credentials(api_url, client_id, client_secret_file, platform)
        backend = Backend(backend_url, _passphrase(), work_dir.resolve())
        applied = operation is Operation.UP
        _accounts_in_place(
            every,
            whole_up=applied and specs == every,
            declarations=declarations,
            backend=backend,
            settings=settings,
            chosen=chosen,
        )
        # A line per stack in a CI log, where a bar shows nothing: stacks are few and each takes a while.
        with progress(f"fleet {operation.value}", len(specs), slow_items=True) as advance:
            outcomes = run_fleet(
                operation,
                specs,
                declarations=declarations,
                backend=backend,
                settings=settings,
                # Said outright, --jobs is kept to; by default idle cores take more stacks.
                jobs=Jobs(jobs) if jobs else DEFAULT,
                lock_timeout=lock_timeout,
                done=lambda outcome: advance(
                    f"{outcome.stack.name} {result(outcome, applied=applied).splitlines()[0]}"
                ),
            )
        table = summary_table(outcomes, title, applied=applied)
        if output_format is PageFormat.TEXT:
            out().print(table)
            raise typer.Exit(exit_code(outcomes))
        # The page's detail is read here, after the stacks ran, by the comparison their providers make.
        by_org = stack_objects(decls, specs, chosen)
        with progress("Reading orgs for the page", len(by_org)) as done:
            read = reading(settings, connect(settings), len(by_org), None)
            health = org_health(read, chosen, decls, by_org, done=done)
        page = render(health, Source(declarations, datetime.now(UTC)), stack_rows(outcomes, applied=applied))
        if output is not None:
            out().print(table)
        emit(page, output, totals_line(health))
        raise typer.Exit(_page_exit_code(exit_code, outcomes, exit_state(health)))

    return command


app.command(
    "preview",
    epilog=EXAMPLES,
    help="Preview every stack: what `up` would change. Exit 0, 1 if a stack failed (html: or an org unreadable).",
)(_command(Operation.PREVIEW, "orgaccess fleet preview", error_exit_code))
app.command(
    "up",
    epilog=EXAMPLES,
    help="Converge: the accounts stack first, then the org stacks. Exit 0, 1 if a stack failed "
    "(html: the page shows what is left).",
)(_command(Operation.UP, "orgaccess fleet up", error_exit_code))
app.command(
    "drift",
    epilog=EXAMPLES,
    help="Preview every stack and judge: exit 0 no drift, 2 drift, 1 a stack failed (html: or an org unreadable).",
)(_command(Operation.PREVIEW, "orgaccess fleet drift", drift_exit_code))


def _page_exit_code(exit_code: Callable[[list[Outcome]], int], outcomes: list[Outcome], page: State) -> int:
    """The command's exit code, 1 when the page met an unreadable org, and its drift where the command judges drift."""
    code = exit_code(outcomes)
    if code == ERROR or page is State.UNREADABLE:
        return ERROR
    judges_drift = exit_code is drift_exit_code
    return max(code, HTML_EXIT.get(page, NO_DRIFT)) if judges_drift else code


@app.command("stacks", epilog=EXAMPLES)
@explained_errors
def list_stacks(
    declarations: DeclarationsOption = DEFAULT_DECLARATIONS_PATH,
    stacks: StacksOption = None,
    backend_url: Annotated[
        str | None,
        typer.Option(
            "--backend-url",
            envvar="PULUMI_BACKEND_URL",
            help="The shared state backend, whose fleet's split is kept when --stacks is not given.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="json: a list of names, for a CI matrix.")
    ] = Format.TEXT,
    platform: PlatformOption = None,
) -> None:
    """The fleet's stack names, the accounts stack first (for `--only` and CI matrices)."""
    chosen = dialect(platform)
    decls = load_declarations(declarations, chosen)
    specs = fleet_stacks(decls, _split(stacks, decls, backend_url), chosen)
    if output_format is Format.JSON:
        typer.echo(json.dumps([spec.name for spec in specs]))
        return
    for spec in specs:
        typer.echo(f"{spec.name}\t{'accounts' if spec.is_accounts else f'{len(spec.orgs)} orgs'}")


def _split(stacks: int | None, decls: Declarations, backend_url: str | None) -> int:
    """`--stacks`, else the fleet's own split on the backend, else one sized for its orgs (said on stderr)."""
    if stacks is not None:
        return stacks
    try:
        split = sizing.choose(len(fleet_org_ids(decls)), backend_url)
    except sizing.SplitError as exc:
        raise CommandError(f"--stacks: {exc}") from None
    typer.echo(f"orgaccess fleet: {split.why} (--stacks N to choose)", err=True)
    return split.stacks


def _accounts_in_place(
    every: list[StackSpec],
    *,
    whole_up: bool,
    declarations: Path,
    backend: Backend,
    settings: Settings,
    chosen: Definition,
) -> None:
    """An older fleet's accounts moved into their org stacks by a `fleet up` of every stack; else refused."""
    try:
        moves = accounts_move.pending_moves(backend.url, every, chosen)
        if moves and not whole_up:
            raise CommandError(accounts_move.refusal(moves))
        if moves:
            env = environment(backend, settings)
            say = functools.partial(typer.echo, err=True)
            accounts_move.move_accounts(
                moves, declarations=declarations, backend=backend, settings=settings, env=env, say=say
            )
    except accounts_move.MoveError as exc:
        raise CommandError(str(exc)) from None


def _selected(specs: list[StackSpec], only: list[str] | None) -> list[StackSpec]:
    try:
        return select_stacks(specs, only or [])
    except ValueError as exc:
        raise CommandError(f"--only: {exc}") from None


def _passphrase() -> str:
    passphrase = os.environ.get("PULUMI_CONFIG_PASSPHRASE")
    if not passphrase:
        raise CommandError(
            "PULUMI_CONFIG_PASSPHRASE is not set; every runner of the fleet needs the same passphrase "
            "to read the secrets in its state"
        )
    return passphrase
