"""Live push over the full backend set: what a WebSocket subscriber waits, and what it costs.

Everything is real and separate: redis-server, PostgreSQL (SQLite when PostgreSQL is not
installed), and the server itself started as `python -m workorder.cli serve` in its own
process, so client and server do not share an event loop and the RSS measured is the
server's alone. The client speaks graphql-transport-ws by hand over `websockets`.

Figures, in order:
1. raw Redis PUBLISH → pub/sub receive, the floor any push through Redis stands on;
2. assignment commit → `next` frame at the assignee's socket, the latency a user feels;
   the assignment is made by the flow function in this process, publishing through a
   Redis broker exactly as the server's own does, so the commit instant is observable;
3. fan-out of one notification to 1,000 sockets (publish → last frame received);
4. server RSS per idle subscription.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import redis.asyncio as aioredis
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.services import (
    Service,
    free_port,
    postgres_version,
    redis_version,
    start_postgres,
    start_redis,
    stop_process,
)
from workorder import db
from workorder.auth.actor import Actor
from workorder.auth.sessions import TokenSettings, start_session
from workorder.demo import TENANT, load_demo
from workorder.flows.tickets.handling import assign_ticket
from workorder.flows.unit_of_work import bind_bus
from workorder.ids import pk_of
from workorder.models import Ticket, User
from workorder.subscriptions.broker import Broker, make_broker
from workorder.subscriptions.channels import user_channel

N = 1000  # messages for the latency figures, and sockets for fan-out and memory
WARMUP = 20  # unmeasured iterations first, so connection pools and caches are warm
FANOUT_ROUNDS = 3
WAIT = 30.0  # seconds a push may take before the bench gives up instead of hanging
FANOUT_WAIT = 180.0  # one push to 1,000 sockets takes seconds, more on a busy machine
SECRET = "bench-realtime-" * 4
NOTIFICATIONS = """subscription { notifications {
  id kind message ticket { number title } } }"""
# The admin hands the demo order back and forth between two Finance agents; each
# assignment notifies the new assignee, so every assignment is a push that can be measured.
ADMIN, AGENTS = "admin", ("finance.cal", "finance.lead")
DEMO_TICKET = "Three electric kettles"  # forwarded to Finance's pool by load_demo


# ---------------------------------------------------------------- figures


def _percentile(samples: list[float], q: float) -> float:
    """Nearest rank: p99 of 1000 samples is the 990th, an observed value, not interpolated."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100)
    return ordered[int(rank) - 1]


def _line(label: str, samples: list[float]) -> str:
    return (
        f"{label:<24} n={len(samples):<5} p50={_percentile(samples, 50):7.2f} ms"
        f"  p99={_percentile(samples, 99):7.2f} ms"
    )


def _raise_fd_limit() -> None:
    """1,000 sockets on each side plus the server's database and Redis connections exceed
    the usual soft limit of 1,024 descriptors; the server subprocess inherits the raise."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


# ---------------------------------------------------------------- 1. raw Redis


async def redis_round_trips(url: str, n: int) -> list[float]:
    """PUBLISH on one client → message read from a pub/sub connection of another, one at a
    time, decoded like the broker decodes: the part of every push that is Redis alone."""
    publisher = aioredis.from_url(url, decode_responses=True)
    listener = aioredis.from_url(url, decode_responses=True)
    pubsub = listener.pubsub()
    channel = "bench:raw"
    payload = json.dumps({"notificationId": 1, "kind": "ASSIGNED", "ticketId": 1})
    samples: list[float] = []
    try:
        await pubsub.subscribe(channel)
        # Redis confirms on the subscription connection once SUBSCRIBE is in effect.
        confirmed = await pubsub.get_message(timeout=WAIT)
        if confirmed is None or confirmed.get("type") != "subscribe":
            raise RuntimeError(f"no SUBSCRIBE confirmation from Redis: {confirmed}")
        for i in range(WARMUP + n):
            start = time.perf_counter()
            await publisher.publish(channel, payload)
            deadline = start + WAIT
            while True:
                item = await pubsub.get_message(timeout=WAIT)
                if item is not None and item.get("type") == "message":
                    json.loads(item["data"])
                    break
                if time.perf_counter() > deadline:
                    raise RuntimeError("raw Redis message never arrived")
            if i >= WARMUP:
                samples.append((time.perf_counter() - start) * 1000)
    finally:
        await pubsub.aclose()
        await listener.aclose()
        await publisher.aclose()
    return samples


# ---------------------------------------------------------------- the stack under test


@dataclass(frozen=True, slots=True)
class Sent:
    channel: str
    message: dict[str, Any]
    at: float


class TimedBus:
    """The Bus the flows publish through, stamping each publish.

    unit_of_work publishes only after its transaction has committed, so the first stamp
    of an action is the moment its commit returned — the start of the latency we measure.
    """

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self.sent: list[Sent] = []

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        self.sent.append(Sent(channel, message, time.perf_counter()))
        await self.broker.publish(channel, message)

    def take(self) -> list[Sent]:
        sent, self.sent = self.sent, []
        return sent


@dataclass
class Socket:
    """One graphql-transport-ws connection carrying one `notifications` subscription."""

    ws: ClientConnection
    on_next: Callable[[float, int], None]
    reader: asyncio.Task[None] | None = None
    failure: str | None = None

    async def read(self) -> None:
        """Stamp each `next` frame the moment it is read, before any decoding."""
        try:
            async for raw in self.ws:
                at = time.perf_counter()
                frame = json.loads(raw)
                if frame.get("type") == "next":
                    data = frame["payload"].get("data") or {}
                    note = data.get("notifications") or {}
                    pk = pk_of(str(note.get("id")), "Notification")
                    if pk is None:
                        self.failure = f"unexpected payload: {frame['payload']}"
                        continue
                    self.on_next(at, pk)
                elif frame.get("type") == "ping":
                    await self.ws.send(json.dumps({"type": "pong"}))
                elif frame.get("type") in ("error", "complete"):
                    self.failure = f"subscription ended: {frame}"
        except ConnectionClosed as closed:
            self.failure = f"socket closed: {closed}"

    async def close(self) -> None:
        await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.reader


async def open_socket(url: str, token: str, on_next: Callable[[float, int], None]) -> Socket:
    """Connect as a browser would (permessage-deflate offered), authenticate in
    connection_init, and subscribe; the server registers the subscription shortly after."""
    ws = await connect(
        url,
        subprotocols=[Subprotocol("graphql-transport-ws")],
        ping_interval=None,  # idle means idle: no client keep-alive traffic in the RSS figure
        open_timeout=WAIT,
        close_timeout=2,
    )
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
    await ws.send(json.dumps(init))
    ack = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
    if ack.get("type") != "connection_ack":
        await ws.close()
        raise RuntimeError(f"connection refused: {ack}")
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": NOTIFICATIONS}}))
    socket = Socket(ws, on_next)
    socket.reader = asyncio.create_task(socket.read())
    return socket


class Server:
    """`workorder serve` — the production entry point (uvicorn, websockets-sansio) — in a
    process of its own, so its RSS and its event loop are not the client's."""

    def __init__(self, folder: Path, database_url: str, redis_url: str) -> None:
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}/graphql"
        self.log = folder / "server.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": SECRET,
            "DATA_DIR": str(folder / "server"),
            "LOG_LEVEL": "WARNING",
            "WORKORDER_ENV": "development",
        }
        command = [sys.executable, "-m", "workorder.cli", "serve", "--host", "127.0.0.1"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port)], env=env, stdout=log, stderr=log
            )

    async def ready(self) -> None:
        """/readyz checks the database and the broker: green means pushes can flow."""
        deadline = time.monotonic() + WAIT
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break
                with contextlib.suppress(httpx.HTTPError):
                    reply = await client.get(f"http://127.0.0.1:{self.port}/readyz")
                    if reply.status_code == 200:
                        return
                await asyncio.sleep(0.1)
        raise RuntimeError(f"server did not become ready:\n{self.tail()}")

    def rss_kib(self) -> int:
        """Resident memory, VmRSS from /proc (kB there are KiB)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS for the server process")

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        stop_process(self.process)


@dataclass(frozen=True, slots=True)
class Push:
    committed: float  # the action's commit returned (its first publish)
    notification: int  # the assignee's new Notification row
    published: float  # the publish on the assignee's channel was issued


@dataclass
class Stage:
    """The demo tenant's admin, two agents and a ticket, and the bus that times pushes."""

    bus: TimedBus
    admin: Actor
    agents: tuple[User, User]
    ticket_id: int

    async def assign(self, agent: User) -> Push:
        """Assign the ticket to `agent` through the flow, as assignTicket would."""
        with bind_bus(self.bus):
            await assign_ticket(self.admin, self.ticket_id, agent.id)
        sent = self.bus.take()
        mine = next(s for s in sent if s.channel == user_channel(agent.id))
        return Push(sent[0].at, int(mine.message["notificationId"]), mine.at)

    async def token(self, agent: User) -> str:
        """A session opened directly: argon2 logins would only slow the setup down."""
        hours = timedelta(hours=2)
        return (await start_session(agent, TokenSettings(SECRET, hours, hours))).access_token


# ---------------------------------------------------------------- 2. one subscriber each


async def push_latencies(stage: Stage, url: str, n: int) -> tuple[list[float], bool]:
    """Commit → `next` frame, one assignment at a time, alternating between the two agents
    (one socket each); also says whether the server agreed to permessage-deflate (it
    changes what each socket costs)."""
    arrivals: asyncio.Queue[tuple[float, int]] = asyncio.Queue()
    sockets = [
        await open_socket(
            url, await stage.token(agent), lambda at, pk: arrivals.put_nowait((at, pk))
        )
        for agent in stage.agents
    ]
    response = sockets[0].ws.response
    deflate = response is not None and "permessage-deflate" in response.headers.get(
        "Sec-WebSocket-Extensions", ""
    )

    async def arrival_of(pk: int, wait: float) -> float | None:
        deadline = time.perf_counter() + wait
        while (left := deadline - time.perf_counter()) > 0:
            try:
                at, got = await asyncio.wait_for(arrivals.get(), left)
            except TimeoutError:
                break
            if got == pk:
                return at
        return None

    try:
        # Nothing tells a client its subscription is registered, and a notification
        # committed before that is not replayed: push until one comes through.
        for agent, socket in zip(stage.agents, sockets, strict=True):
            for _ in range(50):
                if await arrival_of((await stage.assign(agent)).notification, 0.5):
                    break
            else:
                raise RuntimeError(f"the subscription never went live: {socket.failure}")
        samples: list[float] = []
        for i in range(WARMUP + n):
            push = await stage.assign(stage.agents[i % 2])
            at = await arrival_of(push.notification, WAIT)
            if at is None:
                failures = [s.failure for s in sockets]
                raise RuntimeError(f"push {i} never arrived: {failures}")
            if i >= WARMUP:
                samples.append((at - push.committed) * 1000)
    finally:
        for socket in sockets:
            await socket.close()
    return samples, deflate


# ---------------------------------------------------------------- 3 and 4. many subscribers


@dataclass
class FanIn:
    """Arrival times of each notification across all sockets."""

    by_notification: dict[int, list[float]] = field(default_factory=dict)
    complete: asyncio.Event = field(default_factory=asyncio.Event)
    expected: int = 0
    watching: int = 0

    def __call__(self, at: float, pk: int) -> None:
        times = self.by_notification.setdefault(pk, [])
        times.append(at)
        if pk == self.watching and len(times) >= self.expected:
            self.complete.set()

    def watch(self, pk: int) -> None:
        self.watching = pk
        self.complete.clear()
        if len(self.by_notification.get(pk, [])) >= self.expected:
            self.complete.set()


async def open_many(url: str, token: str, n: int, sink: FanIn) -> list[Socket]:
    """n sockets, 50 handshakes at a time so the listen backlog never overflows."""
    gate = asyncio.Semaphore(50)

    async def one() -> Socket:
        async with gate:
            return await open_socket(url, token, sink)

    return list(await asyncio.gather(*(one() for _ in range(n))))


async def fan_out(stage: Stage, sink: FanIn, rounds: int) -> list[tuple[float, float]]:
    """(first, last) arrival after the publish, in ms, per measured notification.

    Every socket is the first agent's; between rounds the ticket goes to the second agent,
    who has no socket now, so each measured push is a real change of assignee. A first
    unmeasured round proves every subscription is registered (retried, since nothing
    acknowledges a subscribe) before any round is timed."""
    listening, other = stage.agents
    results: list[tuple[float, float]] = []
    for attempt in range(6):
        sink.watch((await stage.assign(listening)).notification)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sink.complete.wait(), FANOUT_WAIT)
        await stage.assign(other)
        if sink.complete.is_set():
            break
        if attempt == 5:
            got = len(sink.by_notification.get(sink.watching, []))
            raise RuntimeError(f"only {got} of {sink.expected} subscribers ever heard a push")
    for _ in range(rounds):
        push = await stage.assign(listening)
        sink.watch(push.notification)
        await asyncio.wait_for(sink.complete.wait(), FANOUT_WAIT)
        times = sink.by_notification[push.notification]
        results.append(((min(times) - push.published) * 1000, (max(times) - push.published) * 1000))
        await stage.assign(other)
    return results


# ---------------------------------------------------------------- the run


async def _stage(broker: Broker) -> Stage:
    admin = await User.get(tenant__slug=TENANT, username=ADMIN)
    first = await User.get(tenant_id=admin.tenant_id, username=AGENTS[0])
    second = await User.get(tenant_id=admin.tenant_id, username=AGENTS[1])
    ticket = await Ticket.get(tenant_id=admin.tenant_id, title=DEMO_TICKET)
    return Stage(TimedBus(broker), Actor.of(admin), (first, second), ticket.id)


async def _measure(folder: Path, redis: Service, database_url: str, backend: str) -> None:
    print(
        f"realtime push — Redis {redis_version()} + {backend}; server: `workorder serve` "
        "(uvicorn, websockets-sansio) in its own process; client: websockets, "
        "graphql-transport-ws, this process"
    )
    # Client, server, Redis and PostgreSQL share these CPUs: the figures move with the load.
    print(f"  machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    print(
        f"  pushes: {ADMIN} assigns the demo order to {AGENTS[0]} / {AGENTS[1]} in turn with "
        "flows.assign_ticket in this process (RedisBroker, same Redis); one socket per agent"
    )
    raw = await redis_round_trips(redis.url, N)
    print(_line("redis publish→receive", raw))

    async with db.open_database(database_url):
        await db.migrate()
        await load_demo()
        broker = make_broker(redis.url)  # the class the server publishes through, same Redis
        await broker.start()
        server = Server(folder, database_url, redis.url)
        try:
            await server.ready()
            stage = await _stage(broker)
            pushes, deflate = await push_latencies(stage, server.url, N)
            print(_line("assignment commit→push", pushes))
            print(
                f"{'ratio push/redis':<24} p50={_percentile(pushes, 50) / _percentile(raw, 50):.1f}"
                f"  p99={_percentile(pushes, 99) / _percentile(raw, 99):.1f}"
            )
            tenth = max(1, N // 10)
            print(
                f"{'  drift over the run':<24} p50 first {tenth}="
                f"{statistics.median(pushes[:tenth]):.2f} ms, last {tenth}="
                f"{statistics.median(pushes[-tenth:]):.2f} ms"
            )

            await asyncio.sleep(0.5)  # the closed socket's stream has unwound
            before = server.rss_kib()
            sink = FanIn(expected=N)
            started = time.perf_counter()
            sockets = await open_many(server.url, await stage.token(stage.agents[0]), N, sink)
            opened = time.perf_counter() - started
            try:
                await asyncio.sleep(2.0)  # every subscribe frame processed; nothing else sent
                after = server.rss_kib()
                rounds = await fan_out(stage, sink, FANOUT_ROUNDS)
                settled = server.rss_kib()
            finally:
                await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
            lasts = sorted(last for _, last in rounds)
            firsts = [first for first, _ in rounds]
            print(
                f"fan-out to {N} subscribers: {statistics.median(lasts):.1f} ms "
                f"(publish → last received; median of {len(rounds)} messages, "
                f"range {lasts[0]:.1f}..{lasts[-1]:.1f} ms; first received after "
                f"{statistics.median(firsts):.1f} ms)"
            )
            print(
                f"memory per idle subscriber: {(after - before) / N:.1f} KiB "
                f"(server RSS {before / 1024:.1f} → {after / 1024:.1f} MiB with {N} idle "
                f"subscriptions; {settled / 1024:.1f} MiB after the fan-out)"
            )
            print(
                f"  subscribers: {N} sockets all logged in as {AGENTS[0]} (one user, {N} "
                f"connections), each subscribed to `notifications`; opened in {opened:.1f} s; "
                f"permessage-deflate {'on' if deflate else 'off'}"
            )
        finally:
            server.stop()
            await broker.close()


async def run() -> None:
    _raise_fd_limit()
    with tempfile.TemporaryDirectory(prefix="workorder-bench-") as name:
        folder = Path(name)
        redis = start_redis(folder / "redis")
        postgres: Service | None = None
        try:
            postgres = start_postgres(Path(tempfile.mkdtemp(prefix="workorder-bench-pg-")))
            backend = f"PostgreSQL {postgres_version()} (fsync off)"
            await _measure(folder, redis, postgres.url, backend)
        finally:
            if postgres is not None:
                postgres.stop()
            redis.stop()


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
