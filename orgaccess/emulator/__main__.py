"""`python -m orgaccess.emulator`: the same as `orgaccess emulator`."""

import typer

from orgaccess.emulator.command import emulator

typer.run(emulator)
