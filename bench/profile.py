"""Where the time of one `pulumi preview` or `up` goes: the engine's CPU profile and the Python processes'.

    python -m bench.profile --orgs 100 300 --command preview [--tuned] [--wall] [--backend postgres]

Per size, on the benchmark's generated fleet (orgaccess/emulator/fleet_scenario.py) with 20 ms per API call: the
engine runs with `--profiling` (Go CPU profile, read with `go tool pprof -top`), and py-spy (when
installed) samples the program and the provider processes. The table printed and written to
bench/results/profile-<command>-<mode>.json gives, per size, the wall time and the CPU seconds of
the parts that matter: the engine's checkpoint serialisation, the rest of the engine, the provider
and the program. `--wall` measures without profilers; `--backend postgres` keeps the state in a
throwaway PostgreSQL (scripts/postgres.sh) instead of the file backend.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from bench.projects import ORGACCESS, REPO, stage
from bench.run import TUNED
from orgaccess.demo.postgres import running_postgres
from orgaccess.emulator.fleet_scenario import ADMIN_ID, ADMIN_SECRET, generate
from orgaccess.emulator.harness import running_emulator
from orgaccess.engine.automation import Stack

WORK = REPO / ".state" / "profile"
RESULTS = REPO / "bench" / "results"
# Engine functions whose cumulative CPU tells where the engine's time goes.
ENGINE_PARTS = {
    "checkpoint": r"backend\.\(\*SnapshotManager\)\.saveSnapshot$",
    "stepGeneration": r"deploy\.\(\*stepGenerator\)\.GenerateSteps$",
    "gc": r"runtime\.gcBgMarkWorker$",
}
PYTHON_ROLES = {"provider": "pulumi.dynamic", "program": "__main__.py"}
SAMPLE_RATE = 100


def _python_role(process: psutil.Process) -> str | None:
    try:
        argv = " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None
    if "python" not in argv:
        return None
    return next((role for role, marker in PYTHON_ROLES.items() if marker in argv), None)


class PySpy:
    """Attaches py-spy to the program and provider processes below `root` as they appear."""

    def __init__(self, root: int, out: Path) -> None:
        self.root, self.out = root, out
        self.recorders: dict[int, tuple[str, subprocess.Popen[bytes], Path]] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.binary = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")

    def __enter__(self) -> PySpy:
        if self.root > 0 and Path(self.binary).exists():
            self.thread.start()
        return self

    def _watch(self) -> None:
        while not self.done.wait(0.05):
            try:
                children = psutil.Process(self.root).children(recursive=True)
            except psutil.NoSuchProcess:
                return
            for child in children:
                role = _python_role(child)
                if role and child.pid not in self.recorders:
                    raw = self.out / f"{role}.{child.pid}.txt"
                    argv = [self.binary, "record", "--pid", str(child.pid), "--format", "raw", "--rate"]
                    argv += [str(SAMPLE_RATE), "--nonblocking", "--output", str(raw)]
                    recorder = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    self.recorders[child.pid] = (role, recorder, raw)

    def __exit__(self, *_exc: object) -> None:
        self.done.set()
        if self.thread.is_alive():
            self.thread.join()
        for _role, recorder, _raw in self.recorders.values():
            recorder.wait(timeout=60)

    def seconds(self) -> dict[str, dict[str, float]]:
        """Per role: sampled CPU seconds in total and by the innermost frames of orgaccess or the SDK."""
        out: dict[str, dict[str, float]] = {}
        for role, _recorder, raw in self.recorders.values():
            if not raw.exists():
                continue
            totals: dict[str, float] = {}
            for line in raw.read_text().splitlines():
                stack, _, count = line.rpartition(" ")
                samples = int(count) / SAMPLE_RATE
                totals["total"] = totals.get("total", 0.0) + samples
                bucket = _python_bucket(stack)
                totals[bucket] = totals.get(bucket, 0.0) + samples
            merged = out.setdefault(role, {})
            for key, value in totals.items():
                merged[key] = round(merged.get(key, 0.0) + value, 2)
        return out


# The first matching frame, from the leaf up, names a sample's bucket.
PYTHON_BUCKETS = (
    ("serialize_provider", "provider pickle (program)"),
    ("_deserialize_provider", "provider unpickle (provider)"),
    ("orgaccess/", "orgaccess code"),
    ("pulumi/runtime/rpc", "SDK serialisation"),
    ("grpc", "gRPC"),
)


def _python_bucket(stack: str) -> str:
    frames = stack.split(";")
    for frame in reversed(frames):
        for marker, bucket in PYTHON_BUCKETS:
            if marker in frame:
                return bucket
    return "other"


def engine_seconds(profile: Path) -> dict[str, float]:
    """The engine's CPU seconds: total and the cumulative time of ENGINE_PARTS."""
    go = shutil.which("go") or "/usr/local/go/bin/go"
    top = subprocess.run(
        [go, "tool", "pprof", "-top", "-cum", "-nodecount=100000", str(profile)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    total = re.search(r"Total samples = ([\d.]+)(m?s)", top)
    parts = {"total": _seconds(total.group(1), total.group(2)) if total else 0.0}
    for line in top.splitlines():
        fields = line.split()
        if len(fields) < 6:
            continue
        for part, pattern in ENGINE_PARTS.items():
            if re.search(pattern, fields[-1]) and part not in parts:
                parts[part] = _seconds(*re.match(r"([\d.]+)(m?s)", fields[3]).groups())  # type: ignore[union-attr]
    return parts


def _seconds(value: str, unit: str) -> float:
    return round(float(value) / (1000 if unit == "ms" else 1), 2)


def profile_size(
    n_orgs: int, command: str, env: dict[str, str], latency_ms: int, profiling: bool, label: str = ""
) -> dict[str, Any]:
    """One `command` on a fresh stack of `n_orgs` (`label` tells apart runs of one size and command)."""
    name = f"{command}_{n_orgs}{'_' + label if label else ''}"
    if env.get("PULUMI_BACKEND_URL", "").startswith("postgres"):
        env = {**env, "PULUMI_BACKEND_URL": f"{env['PULUMI_BACKEND_URL']}&table=profile_{name}"}
    fleet = generate(n_orgs, 0.3, 0)
    root = WORK / name.replace("_", "-")
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    declarations = root / "access.yaml"
    declarations.write_text(fleet.declarations_yaml)
    with running_emulator(fleet.scenario) as emu:
        emu.set_faults(latencyMs=latency_ms)
        stack = Stack(stage(ORGACCESS, root / "project"), root / "state", "bench", extra_env=env).init()
        stack.set_config("orgaccess:apiUrl", emu.url)
        stack.set_config("orgaccess:clientId", ADMIN_ID)
        stack.set_config("orgaccess:clientSecret", ADMIN_SECRET, secret=True)
        stack.set_config("orgaccess:declarations", str(declarations))
        args = (["--profiling", str(root / "engine")] if profiling else []) + [command, "--stack", "bench"]
        args += ["--yes", "--skip-preview", "--continue-on-error"] if command == "up" else []
        process_env = {**stack.env(), "PYTHONPATH": str(REPO)}
        start = time.perf_counter()
        pulumi = subprocess.Popen(
            ["pulumi", *args, "--non-interactive"],
            cwd=stack.project_dir,
            env=process_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        with PySpy(pulumi.pid if profiling else -1, root) as spy:
            output, _ = pulumi.communicate(timeout=1800)
        seconds = time.perf_counter() - start
    if pulumi.returncode != 0:
        raise SystemExit(f"pulumi {command} at {n_orgs} orgs exited {pulumi.returncode}:\n{output.decode()[-3000:]}")
    row: dict[str, Any] = {"orgs": n_orgs, "resources": _resources(root / "state"), "seconds": round(seconds, 2)}
    if profiling:
        row |= {"engineCpu": engine_seconds(next(root.glob("engine.*.cpu"))), "pythonCpu": spy.seconds()}
    return row


def _resources(backend: Path) -> int | None:
    """orgaccess resources in the stack's state, or None before any `up`."""
    states = list(backend.glob(".pulumi/stacks/*/bench.json"))
    if not states:
        return None
    resources = json.loads(states[0].read_text())["checkpoint"].get("latest", {}).get("resources", [])
    return sum("dynamic/orgaccess" in r["type"] for r in resources)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--command", choices=("preview", "up"), default="preview")
    parser.add_argument("--tuned", action="store_true", help="set PULUMI_PARALLEL_DIFF and PULUMI_SKIP_CHECKPOINTS")
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--label", default="", help="a suffix for the results file (e.g. before, after)")
    parser.add_argument("--wall", action="store_true", help="wall time only: no profiler slows the run down")
    parser.add_argument("--backend", choices=("file", "postgres"), default="file")
    options = parser.parse_args(argv)
    env = TUNED if options.tuned else {}
    profiling = not options.wall
    with contextlib.ExitStack() as stack:
        if options.backend == "postgres":
            env = {**env, "PULUMI_BACKEND_URL": stack.enter_context(running_postgres())}
        rows = [profile_size(n, options.command, env, options.latency_ms, profiling) for n in sorted(options.orgs)]
    mode = ("tuned" if options.tuned else "defaults") + ("" if profiling else "-wall")
    mode += "" if options.backend == "file" else f"-{options.backend}"
    name = f"profile-{options.command}-{mode}{'-' + options.label if options.label else ''}.json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / name).write_text(json.dumps({"command": options.command, "mode": mode, "rows": rows}, indent=2) + "\n")
    print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
