"""orgaccess: the access declared in access.yaml, reconciled by Pulumi (see orgaccess/program.py)."""

from orgaccess import program

program.run()
