"""`orgaccess upgrade`: a stack made before an org's clients were parts of its resource, taken over
without a platform call (engine/clients_upgrade.py)."""

from __future__ import annotations

from pathlib import Path

import typer

from orgaccess.cli.common import explained_errors, fail, out
from orgaccess.cli.stack_options import ProjectDirOption, StackOption, workspace_stack
from orgaccess.engine.clients_upgrade import UpgradeError, upgrade

EXAMPLES = """\
Examples:

  orgaccess upgrade                       # the selected stack of the project in this directory
  orgaccess upgrade --stack prod --cwd deploy/

Run it when `pulumi up` says to (genesys-cloud stacks made before each org's clients were part of
its OrgAccess resource); `orgaccess fleet up` runs it by itself. It changes the state only. Exit
status: 0 done (or nothing to do), 1 not (the reason is printed).
"""


@explained_errors
def upgrade_command(stack: StackOption = None, cwd: ProjectDirOption = Path()) -> None:
    """Move the state of each org's clients, their secrets among it, into the org's OrgAccess resource."""
    target = workspace_stack(stack, cwd)
    try:
        moved = upgrade(lambda: target.automation)
    except UpgradeError as exc:
        fail(str(exc))
    if not moved:
        out().print(
            f"stack '{target.name}': nothing to upgrade (no client resource that belongs in its org's OrgAccess)"
        )
        return
    out().print(f"moved {moved} client(s) into their orgs' OrgAccess resources in stack '{target.name}' (state only)")
    out().print(f"run `pulumi up --stack {target.name}` next")


app = typer.Typer(add_completion=False)
app.command("upgrade", epilog=EXAMPLES)(upgrade_command)
