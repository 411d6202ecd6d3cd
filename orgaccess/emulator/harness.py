"""Run the emulator as a real subprocess on 127.0.0.1, for tests, benchmarks and demos.

    with running_emulator() as emu:            # seed-403, in-memory state, a free port
        httpx.get(f"{emu.url}/api/v2/organizations/me", headers=...)
        assert emu.audit()[-1].reason == "C6.header.missing"

The process is always stopped on exit: SIGTERM, then SIGKILL if it lingers.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import httpx

from orgaccess.emulator.api import Api
from orgaccess.emulator.scenario import read_scenario
from orgaccess.emulator.server import READY_PREFIX
from orgaccess.platform.models import AuditEntry, Faults

STARTUP_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0


class EmulatorError(RuntimeError):
    """The emulator did not start, or its control plane refused a request."""


class EmulatorHandle:
    """A running emulator: its URL and its control plane."""

    def __init__(self, url: str, process: subprocess.Popen[str]) -> None:
        self.url = url
        self.process = process
        self._control = httpx.Client(base_url=url, timeout=30.0)

    def audit(self, since: int = 0) -> list[AuditEntry]:
        """Audit entries after the `since`-th, in order."""
        entries = self._call("GET", "/_emulator/audit", params={"since": since}).json()
        return [AuditEntry.model_validate(entry) for entry in entries]

    def audit_count(self) -> int:
        return int(self._call("GET", "/_emulator/audit/count").json()["count"])

    def reset(self, scenario: str | Path | dict[str, Any] = "seed-403") -> None:
        """Back to a fresh start: the scenario's state and no tokens, no faults, the clock at wall time.

        The audit log keeps growing; read it with `since=audit_count()` taken after the reset.
        """
        # An emulator shared by several tests may have died in an earlier one: say so, not ConnectError.
        if self.process.poll() is not None:
            raise EmulatorError(f"the emulator exited earlier (status {self.process.returncode}); cannot reset it")
        self.load_scenario(scenario if isinstance(scenario, dict) else read_scenario(scenario)[1])
        self.set_faults()
        self.set_clock_offset(0)

    def load_scenario(self, scenario: dict[str, Any]) -> None:
        """Replaces all platform state (tokens included) with the scenario's."""
        self._call("POST", "/_emulator/scenario", json=scenario)

    def set_faults(self, **faults: Any) -> Faults:
        """Sets the named faults (see `Faults`); the others return to their defaults."""
        return Faults.model_validate(self._call("PUT", "/_emulator/faults", json=faults).json())

    def set_clock_offset(self, seconds: float) -> None:
        """Runs the emulator's clock `seconds` ahead of wall time (token expiry, propagation)."""
        self._call("PUT", "/_emulator/clock", json={"offsetSeconds": seconds})

    def token(self, client_id: str, secret: str, scope: str | None = None) -> str:
        """A bearer token for a client, by the platform's own token endpoint."""
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        if scope is not None:
            form["scope"] = scope
        answer = self._control.post("/oauth/token", data=form)
        if answer.status_code != 200:
            raise EmulatorError(f"token for {client_id}: HTTP {answer.status_code} {answer.text}")
        return str(answer.json()["access_token"])

    def stop(self) -> None:
        """Stops the process: SIGTERM, then SIGKILL after a grace period. Idempotent."""
        self._control.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        answer = self._control.request(method, path, **kwargs)
        if answer.status_code >= 400:
            raise EmulatorError(f"{method} {path}: HTTP {answer.status_code} {answer.text}")
        return answer


@contextmanager
def running_emulator(
    scenario: str | Path | dict[str, Any] | None = "seed-403",
    db: Path | None = None,
    port: int = 0,
    dialect: Api = Api.SEED,
) -> Iterator[EmulatorHandle]:
    """Starts `python -m orgaccess.emulator` and yields its handle once it listens.

    `scenario`: a built-in name, a file, or a scenario document; None keeps the state of an
    existing `db` (a new one starts from seed-403). `db`: None keeps state in memory.
    """
    with tempfile.TemporaryDirectory(prefix="orgaccess-emulator-") as scratch:
        command = [sys.executable, "-m", "orgaccess.emulator", "--port", str(port), "--dialect", dialect.value]
        if isinstance(scenario, dict):
            path = Path(scratch) / "scenario.json"
            path.write_text(json.dumps(scenario), encoding="utf-8")
            scenario = path
        if scenario is not None:
            command += ["--scenario", str(scenario)]
        if db is not None:
            command += ["--db", str(db)]
        with open(Path(scratch) / "stderr.log", "w+", encoding="utf-8") as stderr:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
            handle: EmulatorHandle | None = None
            try:
                handle = EmulatorHandle(_wait_for_url(process, stderr), process)
                yield handle
            finally:
                if handle is not None:
                    handle.stop()
                elif process.poll() is None:
                    process.kill()
                    process.wait()
                if process.stdout is not None:
                    process.stdout.close()


def _wait_for_url(process: subprocess.Popen[str], stderr: IO[str]) -> str:
    found: list[str] = []
    ready = threading.Event()

    def watch() -> None:
        # Keeps draining stdout after the URL, so a chatty server never blocks on a full pipe.
        assert process.stdout is not None
        for line in process.stdout:
            if not found and line.startswith(READY_PREFIX):
                found.append(line[len(READY_PREFIX) :].strip())
                ready.set()
        ready.set()

    threading.Thread(target=watch, name="emulator-stdout", daemon=True).start()
    if not ready.wait(STARTUP_TIMEOUT_SECONDS) or not found:
        if process.poll() is None:
            process.kill()
            process.wait()
        stderr.seek(0)
        detail = stderr.read().strip().splitlines()
        raise EmulatorError(f"the emulator did not start: {detail[-1] if detail else 'no output'}")
    return found[0]
