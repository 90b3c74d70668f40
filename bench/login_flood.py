"""`/healthz` while clients flood `login`: does argon2 keep the event loop to itself?

`workorder serve` (the production entry point) runs in a process of its own on the embedded
backend with the demo tenant; CLIENTS clients send logins back to back for SECONDS while one
more asks `/healthz` every 50 ms. The logins use the right password, so the throttle never
refuses them and every one costs an argon2 verification: the worst case for the event loop.
A second round sends wrong passwords for unknown and known users, to compare their answers'
timing (they must not tell a valid username apart).

    PYTHONPATH=$PWD python -m bench.login_flood
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.services import free_port, stop_process
from workorder import db
from workorder.demo import PASSWORD, TENANT, load_demo

CLIENTS = 8
SECONDS = 10.0
HEALTH_EVERY = 0.05
LOGIN = """mutation($i: LoginInput!) { login(input: $i) { accessToken errors { code } } }"""


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _start(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{folder / 'bench.db'}",
        "REDIS_URL": "",
        "SECRET_KEY": "bench-login-flood-" * 3,
        "DATA_DIR": str(folder / "server"),
        "LOG_LEVEL": "WARNING",
        "SLA_CHECK_SECONDS": "0",
        "JOB_POLL_SECONDS": "0",
    }
    command = [sys.executable, "-m", "workorder.cli", "serve", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, port


async def _serve(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    process, port = _start(folder)
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return process, port
            await asyncio.sleep(0.1)
    stop_process(process)
    raise RuntimeError("the server did not start")


async def _flood(base: str) -> None:
    stop = time.monotonic() + SECONDS
    health: list[float] = []
    logins: list[float] = []

    async def client(http: httpx.AsyncClient) -> None:
        variables = {"i": {"tenant": TENANT, "username": "admin", "password": PASSWORD}}
        while time.monotonic() < stop:
            start = time.perf_counter()
            await http.post("/graphql", json={"query": LOGIN, "variables": variables})
            logins.append(time.perf_counter() - start)

    async def probe(http: httpx.AsyncClient) -> None:
        while time.monotonic() < stop:
            start = time.perf_counter()
            await http.get("/healthz")
            health.append(time.perf_counter() - start)
            await asyncio.sleep(HEALTH_EVERY)

    limits = httpx.Limits(max_connections=CLIENTS + 1)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        await asyncio.gather(probe(http), *(client(http) for _ in range(CLIENTS)))
    print(
        f"/healthz under {CLIENTS} login clients: n={len(health)}"
        f"  p50={statistics.median(health) * 1000:.1f} ms"
        f"  p95={_percentile(health, 0.95) * 1000:.1f} ms  max={max(health) * 1000:.1f} ms"
    )
    print(
        f"login: {len(logins) / SECONDS:.1f}/s  p50={statistics.median(logins) * 1000:.0f} ms"
        f"  p95={_percentile(logins, 0.95) * 1000:.0f} ms"
    )


async def _wrong_passwords(base: str, known: list[str]) -> None:
    """Wrong passwords for the ten demo users (twice each, under the account limit) and for
    ten unknown names: both take the full path, so their medians should agree within noise."""
    cases = [("known", name) for name in known * 2] + [
        ("unknown", f"nobody.{i}") for i in range(10)
    ]
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        for n, (kind, username) in enumerate(cases):
            variables = {"i": {"tenant": TENANT, "username": username, "password": f"x{n}"}}
            start = time.perf_counter()
            await http.post("/graphql", json={"query": LOGIN, "variables": variables})
            timings[kind].append(time.perf_counter() - start)
    for kind, samples in timings.items():
        print(f"wrong password, {kind:<7} user: p50={statistics.median(samples) * 1000:.0f} ms")


async def run() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        async with db.open_database(f"sqlite://{folder / 'bench.db'}"):
            await db.migrate()
            known = [login.username for login in await load_demo()]
        process, port = await _serve(folder)
        try:
            base = f"http://127.0.0.1:{port}"
            await _flood(base)
            await _wrong_passwords(base, known)
        finally:
            stop_process(process)


if __name__ == "__main__":
    asyncio.run(run())
