"""`orgaccess recover`: make a stack ready for `pulumi up` again after a run died (docs/recovery.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from orgaccess.cli.common import explained_errors, fail, out
from orgaccess.cli.stack_options import ProjectDirOption, StackOption, workspace_stack
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
def recover_command(stack: StackOption = None, cwd: ProjectDirOption = Path()) -> None:
    """Release a dead run's lock, end its leftover processes, restore an unreadable state, drop its
    pending operations and refresh, so that `pulumi up` can run again."""
    target = workspace_stack(stack, cwd)
    console = out()
    try:
        console.print(f"recovering stack '{target.name}' of {target.project_dir} on {redact(target.backend_url)}")
        recover(target, say=console.print)
    except (RecoveryError, StoreError) as exc:
        fail(f"{exc}\nnot ready for `pulumi up`")
    console.print(f"ready: run `pulumi up --stack {target.name}` next")


app = typer.Typer(add_completion=False)
app.command("recover", epilog=EXAMPLES)(recover_command)
