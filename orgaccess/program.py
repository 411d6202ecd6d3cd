"""The import path a project's Pulumi program names: `from orgaccess import program; program.run()`.

Projects (the repo's own `__main__.py`, every fleet stack's) keep this line across releases, so it
stays here while the program itself lives with what runs inside the engine (orgaccess/deploy/).
"""

from orgaccess.deploy.program import run

__all__ = ["run"]
