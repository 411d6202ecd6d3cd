"""The options of the commands that act on one stack of the project in a directory (`recover`, `upgrade`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgaccess.cli.common import CommandError
from orgaccess.deploy.backend import selected_stack
from orgaccess.engine.automation import WorkspaceStack

StackOption = Annotated[
    str | None,
    typer.Option("--stack", "-s", help="The stack (default: the one selected in the project).", show_default=False),
]
ProjectDirOption = Annotated[
    Path,
    typer.Option("--cwd", "-C", help="The Pulumi project directory.", file_okay=False, exists=True),
]


def workspace_stack(stack: str | None, cwd: Path) -> WorkspaceStack:
    """`stack` (else the one selected) of the project in `cwd`, as the operator's own `pulumi` sees it."""
    project_dir = cwd.resolve()
    return WorkspaceStack(project_dir, stack or _selected(project_dir))


def _selected(project_dir: Path) -> str:
    name = selected_stack(project_dir, WorkspaceStack(project_dir, "").env())
    if not name:
        raise CommandError(f"no stack is selected in {project_dir}; pass --stack NAME")
    return name
