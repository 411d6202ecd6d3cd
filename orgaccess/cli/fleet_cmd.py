"""`orgaccess fleet preview|up|drift`: one access.yaml over many stacks on a shared backend.

See docs/fleet.md. The stacks are `accounts` and `orgs-<i>-of-<n>`; their state is wherever
PULUMI_BACKEND_URL points (PostgreSQL for a fleet shared by CI runners and operators).
"""

from __future__ import annotations

import os
from collections.abc import Callable
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
    credentials,
    explained_errors,
    out,
    progress,
)
from orgaccess.declarations import load_declarations
from orgaccess.fleet.layout import fleet_stacks
from orgaccess.fleet.report import drift_exit_code, error_exit_code, summary_table
from orgaccess.fleet.runner import Operation, Outcome, run_fleet
from orgaccess.fleet.workspace import Backend

EXAMPLES = """Examples:

  export PULUMI_BACKEND_URL='postgres://user:pass@127.0.0.1:5432/pulumi?sslmode=disable'
  export PULUMI_CONFIG_PASSPHRASE=...  ORGACCESS_CLIENT_ID=...  ORGACCESS_CLIENT_SECRET=...
  orgaccess fleet preview --stacks 8 --jobs 4
  orgaccess fleet up --stacks 8
  orgaccess fleet drift --stacks 8      # exit 0 none, 2 drift, 1 error
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
DEFAULT_STACKS = 8
DEFAULT_JOBS = 4
DEFAULT_WORK_DIR = Path(".state/fleet")


def _command(operation: Operation, title: str, exit_code: Callable[[list[Outcome]], int]) -> Callable[..., None]:
    """One fleet command: run `operation` on every stack, print the table, exit by `exit_code`."""

    @explained_errors
    def command(
        backend_url: BackendOption,
        declarations: DeclarationsOption = DEFAULT_DECLARATIONS_PATH,
        stacks: StacksOption = DEFAULT_STACKS,
        jobs: JobsOption = DEFAULT_JOBS,
        work_dir: WorkDirOption = DEFAULT_WORK_DIR,
        api_url: ApiUrlOption = None,
        client_id: ClientIdOption = None,
        client_secret_file: ClientSecretFileOption = None,
    ) -> None:
        # Bad declarations stop here, before any stack runs; each stack's program checks them again.
        specs = fleet_stacks(load_declarations(declarations), stacks)
        settings = credentials(api_url, client_id, client_secret_file)
        backend = Backend(backend_url, _passphrase(), work_dir.resolve())
        with progress(f"fleet {operation.value}", len(specs)) as advance:
            outcomes = run_fleet(
                operation,
                specs,
                declarations=declarations,
                backend=backend,
                settings=settings,
                jobs=jobs,
                done=lambda outcome: advance(outcome.stack.name),
            )
        out().print(summary_table(outcomes, title, applied=operation is Operation.UP))
        raise typer.Exit(exit_code(outcomes))

    return command


app.command(
    "preview", epilog=EXAMPLES, help="Preview every stack: what `up` would change. Exit 0, 1 if a stack failed."
)(_command(Operation.PREVIEW, "orgaccess fleet preview", error_exit_code))
app.command(
    "up", epilog=EXAMPLES, help="Converge: the accounts stack first, then the org stacks. Exit 0, 1 if a stack failed."
)(_command(Operation.UP, "orgaccess fleet up", error_exit_code))
app.command(
    "drift", epilog=EXAMPLES, help="Preview every stack and judge: exit 0 no drift, 2 drift, 1 a stack failed."
)(_command(Operation.PREVIEW, "orgaccess fleet drift", drift_exit_code))


def _passphrase() -> str:
    passphrase = os.environ.get("PULUMI_CONFIG_PASSPHRASE")
    if not passphrase:
        raise CommandError(
            "PULUMI_CONFIG_PASSPHRASE is not set; every runner of the fleet needs the same passphrase "
            "to read the secrets in its state"
        )
    return passphrase
