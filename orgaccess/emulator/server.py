"""Runs the emulator under uvicorn on loopback and says where, once it is listening."""

from __future__ import annotations

import socket
from pathlib import Path

import uvicorn

from orgaccess.emulator import scenario
from orgaccess.emulator.api import Api
from orgaccess.emulator.app import create_asgi
from orgaccess.emulator.state import Emulator
from orgaccess.emulator.store import Store

HOST = "127.0.0.1"
DEFAULT_SCENARIO = "seed-403"
READY_PREFIX = "orgaccess emulator listening on "


def prepare(scenario_name: str | Path | None, db: Path | None, dialect: Api = Api.SEED) -> Emulator:
    """The emulator's state: a given scenario replaces the database's; a new database gets seed-403.

    Without `db` the state lives in memory and is gone when the process ends.
    """
    emu = Emulator(Store(str(db) if db else ":memory:"), dialect)
    if scenario_name is not None or emu.store.is_empty():
        source, document = scenario.read_scenario(scenario_name or DEFAULT_SCENARIO)
        emu.load(scenario.parse_scenario(source, document))
    return emu


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self.url = url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            # The harness and scripts wait for this exact line.
            print(f"{READY_PREFIX}{self.url}", flush=True)


def serve(emu: Emulator, port: int) -> None:
    """Serves until SIGINT or SIGTERM; port 0 takes a free port, and the printed URL names it."""
    # IPPROTO_TCP, not 0: asyncio disables Nagle only on sockets that say they are TCP, and
    # without that every keep-alive request waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError:
        sock.close()
        raise
    url = f"http://{HOST}:{sock.getsockname()[1]}"
    # No proxy stands in front of the emulator, so the peer's address is the caller's: uvicorn's
    # X-Forwarded-For step would only cost each request its turn (2% of the emulator's CPU).
    config = uvicorn.Config(
        create_asgi(emu), proxy_headers=False, log_level="warning", access_log=False, lifespan="off"
    )
    try:
        _Server(config, url).run(sockets=[sock])
    finally:
        sock.close()
        emu.store.close()
