"""The `orgaccess` command: a registry of subcommands, each in its own module."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer
from typer import _click  # Typer's own copy of click: the types TyperGroup's methods take
from typer.core import TyperGroup

from orgaccess.cli import doctor_cmd, drift_cmd, export_cmd
from orgaccess.cli.common import log_to_stderr
from orgaccess.emulator import command as emulator_cmd

# Commands that drive the engine, by the module whose `app` holds them. They import Pulumi's
# Automation API (0.5 s), so they are loaded only when run or listed, not on every `drift`.
ENGINE_COMMANDS = {
    "recover": "orgaccess.cli.recover_cmd",
    "fleet": "orgaccess.cli.fleet_cmd",
    "upgrade": "orgaccess.cli.upgrade_cmd",
}


class _Commands(TyperGroup):
    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*super().list_commands(ctx), *ENGINE_COMMANDS]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        if cmd_name not in ENGINE_COMMANDS:
            return super().get_command(ctx, cmd_name)
        command = typer.main.get_command(importlib.import_module(ENGINE_COMMANDS[cmd_name]).app)
        command.name = cmd_name
        return command


app = typer.Typer(
    name="orgaccess",
    help="Declare cross-org access as code, detect drift, reconcile it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=_Commands,
)


@app.callback()
def main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log every platform call to stderr (secrets masked).")
    ] = False,
) -> None:
    """Declare cross-org access as code, detect drift, reconcile it."""
    if verbose:
        log_to_stderr()


app.command("emulator")(emulator_cmd.emulator)
app.command("doctor", epilog=doctor_cmd.EXAMPLES)(doctor_cmd.doctor)
app.command("drift", epilog=drift_cmd.EXAMPLES)(drift_cmd.drift)
app.command("export", epilog=export_cmd.EXAMPLES)(export_cmd.export)
