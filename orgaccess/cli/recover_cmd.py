"""`orgaccess recover`: make a stack ready for `pulumi up` again after a run died (docs/recovery.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgaccess.cli.common import CommandError, explained_errors, fail, out
from orgaccess.deploy.backend import selected_stack
from orgaccess.engine.automation import WorkspaceStack
from orgaccess.engine.recovery import RecoveryError, recover
from orgaccess.engine.statestore import StoreError, redact

EXAMPLES = """\
Examples:

  orgaccess recover                       # the selected stack of the project in this directory
  orgaccess recover --stack prod --cwd deploy/

The backend is the one `pulumi` uses here: PULUMI_BACKEND_URL, else Pulumi.yaml's backend.url,
else `pulumi login`'s (file:// and postgres:// backends). Exit status: 0 ready for `pulumi up`,
1 not (the reason is printed).
"""


@explained_errors
def recover_command(
    stack: Annotated[
        str | None,
        typer.Option("--stack", "-s", help="The stack (default: the one selected in the project).", show_default=False),
    ] = None,
    cwd: Annotated[
        Path,
        typer.Option("--cwd", "-C", help="The Pulumi project directory.", file_okay=False, exists=True),
    ] = Path(),
) -> None:
    """Release a dead run's lock, end its leftover processes, restore an unreadable state, drop its
    pending operations and refresh, so that `pulumi up` can run again."""
    project_dir = cwd.resolve()
    target = WorkspaceStack(project_dir, stack or selected_stack_of(project_dir))
    console = out()
    try:
        console.print(f"recovering stack '{target.name}' of {project_dir} on {redact(target.backend_url)}")
        recover(target, say=console.print)
    except (RecoveryError, StoreError) as exc:
        fail(f"{exc}\nnot ready for `pulumi up`")
    console.print(f"ready: run `pulumi up --stack {target.name}` next")


def selected_stack_of(project_dir: Path) -> str:
    name = selected_stack(project_dir, WorkspaceStack(project_dir, "").env())
    if not name:
        raise CommandError(f"no stack is selected in {project_dir}; pass --stack NAME")
    return name


app = typer.Typer(add_completion=False)
app.command("recover", epilog=EXAMPLES)(recover_command)
