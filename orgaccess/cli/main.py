"""The `orgaccess` command: a registry of subcommands, each in its own module."""

from __future__ import annotations

from typing import Annotated

import typer

from orgaccess.cli import doctor_cmd, drift_cmd, emulator_cmd, export_cmd, fleet_cmd, recover_cmd
from orgaccess.cli.common import log_to_stderr

app = typer.Typer(
    name="orgaccess",
    help="Declare cross-org access as code, detect drift, reconcile it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
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
app.command("recover", epilog=recover_cmd.EXAMPLES)(recover_cmd.recover_command)
app.add_typer(fleet_cmd.app, name="fleet")
