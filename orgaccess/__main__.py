"""`python -m orgaccess`: the same as the `orgaccess` command."""

from orgaccess.cli.main import app

app(prog_name="orgaccess")
