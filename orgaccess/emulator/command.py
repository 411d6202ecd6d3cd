"""`orgaccess emulator`: serve the platform API on loopback."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Annotated

import typer

from orgaccess.emulator.api import Api

_SCENARIO_HELP = (
    "A built-in scenario (seed-403) or a YAML/JSON file; it replaces the database's state. "
    "Without it, a new database starts from seed-403 and an existing one keeps its state. "
    "Without --db, state is in memory."
)


def emulator(
    scenario: Annotated[str | None, typer.Option("--scenario", help=_SCENARIO_HELP)] = None,
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1; 0 picks a free one.")
    ] = 8790,
    db: Annotated[Path | None, typer.Option("--db", help="SQLite file that keeps the state across restarts.")] = None,
    dialect: Annotated[
        Api, typer.Option("--dialect", help="The API to serve: the seed platform's, or Genesys Cloud's.")
    ] = Api.SEED,
) -> None:
    """Serve the platform API (docs/api.md, docs/genesys-cloud.md) on 127.0.0.1 until stopped, in either dialect."""
    # Imported here so other commands start without loading the server stack (FastAPI).
    from orgaccess.emulator.scenario import ScenarioError
    from orgaccess.emulator.server import prepare, serve

    try:
        serve(prepare(scenario, db, dialect), port)
    except ScenarioError as exc:
        _fail(str(exc))
    except sqlite3.Error as exc:
        _fail(f"{db}: cannot use the database: {exc}")
    except OSError as exc:
        _fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}")


def _fail(message: str) -> None:
    typer.echo(f"orgaccess emulator: {message}", err=True)
    raise typer.Exit(2)
