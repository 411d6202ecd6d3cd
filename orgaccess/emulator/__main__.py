"""`python -m orgaccess.emulator`: the same as `orgaccess emulator`."""

import typer

from orgaccess.cli.emulator_cmd import emulator

typer.run(emulator)
