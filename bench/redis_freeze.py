"""A frozen Redis under a running server: what mutations and `/readyz` wait.

Real parts, each in its own process: redis-server, PostgreSQL and `workorder serve`. The
admin hands the demo order back and forth between two Finance agents with `assignTicket`
over HTTP (each assignment commits and publishes to Redis), one after another, while Redis
is stopped with SIGSTOP for FREEZE seconds; `/readyz` is asked once the freeze has begun.

Figures: mutation latency before and during the freeze (n, p50, max), the `/readyz`
answer and its latency during the freeze, and how many notifications the agents have
after it (every assignment stores one, Redis or not).
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx

from bench.realtime import ADMIN, AGENTS, DEMO_TICKET, SECRET, Server
from tests.services import Service, start_postgres, start_redis
from workorder import db
from workorder.auth.sessions import TokenSettings, start_session
from workorder.demo import TENANT, load_demo
from workorder.ids import to_global_id
from workorder.models import Notification, Ticket, User

FREEZE = 12.0  # seconds Redis stays stopped
BASELINE = 20  # assignments measured before the freeze
ASSIGN = """mutation($id: ID!, $u: ID!) { assignTicket(input: {id: $id, userId: $u}) {
  errors { code } } }"""


def _summary(samples: list[float]) -> str:
    if not samples:
        return "n=0"
    return (
        f"n={len(samples):<3} p50={statistics.median(samples) * 1000:8.1f} ms"
        f"  max={max(samples) * 1000:8.1f} ms"
    )


async def _assign(http: httpx.AsyncClient, token: str, ticket: str, agent: str) -> float:
    started = time.perf_counter()
    reply = await http.post(
        "/graphql",
        json={"query": ASSIGN, "variables": {"id": ticket, "u": agent}},
        headers={"authorization": f"Bearer {token}"},
    )
    took = time.perf_counter() - started
    body = reply.json()
    if reply.status_code != 200 or body.get("errors") or body["data"]["assignTicket"]["errors"]:
        raise RuntimeError(f"assignTicket failed: {reply.status_code} {body}")
    return took


async def _readyz(http: httpx.AsyncClient) -> tuple[int | str, float]:
    started = time.perf_counter()
    try:
        reply = await http.get("/readyz", timeout=FREEZE + 10)
        status: int | str = reply.status_code
    except httpx.HTTPError as error:
        status = type(error).__name__
    return status, time.perf_counter() - started


async def _measure(folder: Path, redis: Service, database_url: str) -> None:
    async with db.open_database(database_url):
        await db.migrate()
        await load_demo()
        admin = await User.get(tenant__slug=TENANT, username=ADMIN)
        agents = [await User.get(tenant_id=admin.tenant_id, username=name) for name in AGENTS]
        ticket = await Ticket.get(tenant_id=admin.tenant_id, title=DEMO_TICKET)
        # A real session: the server checks that an access token's session is still open.
        tokens = TokenSettings(SECRET, timedelta(hours=1), timedelta(hours=1))
        token = (await start_session(admin, tokens)).access_token
        ticket_id = to_global_id("Ticket", ticket.id)
        agent_ids = [to_global_id("User", agent.id) for agent in agents]
        server = Server(folder, database_url, redis.url)
        try:
            await server.ready()
            base = f"http://127.0.0.1:{server.port}"
            async with httpx.AsyncClient(base_url=base, timeout=FREEZE + 10) as http:
                turn = 0
                before = []
                for _ in range(BASELINE):
                    before.append(await _assign(http, token, ticket_id, agent_ids[turn % 2]))
                    turn += 1
                ready_before = await _readyz(http)

                # Resumed by the clock, not by the loop: a mutation that waits for Redis
                # would otherwise wait forever.
                os.kill(redis.process.pid, signal.SIGSTOP)
                frozen_at = time.perf_counter()
                thaw = asyncio.get_running_loop().call_later(
                    FREEZE, os.kill, redis.process.pid, signal.SIGCONT
                )
                try:
                    readiness = asyncio.ensure_future(_readyz(http))
                    during = []
                    while time.perf_counter() - frozen_at < FREEZE:
                        during.append(await _assign(http, token, ticket_id, agent_ids[turn % 2]))
                        turn += 1
                    ready_during = await readiness
                finally:
                    thaw.cancel()
                    os.kill(redis.process.pid, signal.SIGCONT)
                ready_after = await _readyz(http)
            stored = await Notification.filter(
                recipient_id__in=[a.id for a in agents], kind="ASSIGNED"
            ).count()
        finally:
            server.stop()

    print(
        f"redis freeze — `workorder serve` (PostgreSQL, Redis); SIGSTOP on redis for {FREEZE:.0f} s"
    )
    print(f"  machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"assignTicket before the freeze   {_summary(before)}")
    print(f"assignTicket during the freeze   {_summary(during)}")
    print(
        f"/readyz before {ready_before[0]} in {ready_before[1] * 1000:.1f} ms; during "
        f"{ready_during[0]} in {ready_during[1] * 1000:.1f} ms; after "
        f"{ready_after[0]} in {ready_after[1] * 1000:.1f} ms"
    )
    print(f"ASSIGNED notifications stored: {stored} for {turn} assignments")


async def run() -> None:
    with tempfile.TemporaryDirectory(prefix="workorder-bench-") as name:
        folder = Path(name)
        redis = start_redis(folder / "redis")
        postgres: Service | None = None
        try:
            postgres = start_postgres(Path(tempfile.mkdtemp(prefix="workorder-bench-pg-")))
            await _measure(folder, redis, postgres.url)
        finally:
            if postgres is not None:
                postgres.stop()
            os.kill(redis.process.pid, signal.SIGCONT)
            redis.stop()


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
