"""Emulator throughput on loopback: reads/s and latency for a management read and the data plane.

    python -m bench.emulator_bench [--orgs 100] [--clients 4] [--seconds 5]

Starts the emulator (harness) on a generated fleet, then for each endpoint runs a few concurrent
keep-alive clients for a bounded time, cycling through the orgs. Writes bench/results/emulator.json.
Target: at least 1,000 reads/s on a 2-core machine. Beside the wall-clock rate, which a busy
machine drags down, it reports the server's CPU time per read, which it mostly does not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import psutil

from orgaccess.emulator.harness import running_emulator
from orgaccess.platform.models import ORG_HEADER

RESULTS = Path(__file__).parent / "results" / "emulator.json"
TARGET_READS_PER_SECOND = 1_000
ENDPOINTS = {"roles": "/api/v2/security/roles", "screenrecordings": "/api/v2/analytics/screenrecordings"}


def fleet(orgs: int) -> dict[str, Any]:
    """A home org and linked partners; `bench` may read everything everywhere."""
    ids = [f"org-{n:04d}" for n in range(orgs)]
    clients = [
        {
            "id": "bench",
            "secret": "bench-secret",
            "name": "bench",
            "scopes": ["recording:view", "security:read"],
        }
    ]
    return {
        "organizations": [
            {
                "id": org,
                "name": f"Org {n}",
                "linked": ids[1:] if n == 0 else [],
                "licenses": {"analytics": {"enabled": True}},
                "roles": [{"name": "Recording Analyst", "permissions": ["recording:view"]}],
                "clients": clients if n == 0 else [],
                "grants": [{"subject": "bench", "role": "admin"}],
                "screenRecordings": 10,
            }
            for n, org in enumerate(ids)
        ]
    }


async def _worker(
    client: httpx.AsyncClient, path: str, orgs: list[str], offset: int, deadline: float, latencies: list[float]
) -> int:
    errors = 0
    n = offset
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        answer = await client.get(path, headers={ORG_HEADER: orgs[n % len(orgs)]})
        latencies.append(time.perf_counter() - started)
        errors += answer.status_code != 200
        n += 1
    return errors


async def measure(
    url: str, token: str, path: str, orgs: list[str], clients: int, seconds: float, server: psutil.Process
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as warmup:
        for org in orgs[:20]:
            (await warmup.get(path, headers={ORG_HEADER: org})).raise_for_status()
    pool = [httpx.AsyncClient(base_url=url, headers=headers, timeout=30) for _ in range(clients)]
    try:
        cpu_before = _cpu_seconds(server)
        started = time.perf_counter()
        deadline = started + seconds
        workers = [_worker(c, path, orgs, i * 7, deadline, latencies) for i, c in enumerate(pool)]
        errors = sum(await asyncio.gather(*workers))
        elapsed = time.perf_counter() - started
        cpu = _cpu_seconds(server) - cpu_before
    finally:
        for client in pool:
            await client.aclose()
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(elapsed, 2),
        "readsPerSecond": round(len(latencies) / elapsed),
        "p50Ms": round(cuts[49] * 1000, 2),
        "p99Ms": round(cuts[98] * 1000, 2),
        "serverCpuUsPerRead": round(cpu / len(latencies) * 1e6),
        "serverReadsPerCpuSecond": round(len(latencies) / cpu),
    }


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadAverage1m": round(os.getloadavg()[0], 2),
        "uvicorn": version("uvicorn"),
        "fastapi": version("fastapi"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients")
    parser.add_argument("--seconds", type=float, default=5.0, help="per endpoint")
    args = parser.parse_args()
    scenario = fleet(args.orgs)
    orgs = [org["id"] for org in scenario["organizations"]]
    results: dict[str, Any] = {}
    with running_emulator(scenario) as emulator:
        emulator.set_faults(rateLimitPerMinute=10**9)
        token = emulator.token("bench", "bench-secret")
        for name, path in ENDPOINTS.items():
            server = psutil.Process(emulator.process.pid)
            results[name] = asyncio.run(measure(emulator.url, token, path, orgs, args.clients, args.seconds, server))
            print(f"{name:18} {json.dumps(results[name])}", flush=True)
    report = {
        "benchmark": "emulator",
        "orgs": args.orgs,
        "clients": args.clients,
        "targetReadsPerSecond": TARGET_READS_PER_SECOND,
        "machine": machine(),
        "results": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
