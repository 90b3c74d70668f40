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
3. fan-out of one notification to 1,000 and 5,000 sockets of one user (publish → last frame
   received), beside a plain `websockets` server (bench/raw_fanout.py, its own process too)
   broadcasting one frame to as many sockets opened by the same client code;
4. the SQL statements of one fan-out round (assign to the listener and away), beside one
   assignment with nobody listening, counted by PostgreSQL itself (pg_stat_statements);
5. the largest size left idle for BENCH_IDLE_SECONDS: statements meanwhile, server RSS and
   the time it took to open them (with the statements each open cost), beside the raw
   server's RSS and opening time.
It ends with one table: measure | workorder | reference | ratio | goal (issue 18).

Sizes come from the environment: BENCH_PUSHES (latency samples, 1000), BENCH_FANOUT
(socket counts, "1000,5000"), BENCH_FANOUT_ROUNDS (3), BENCH_IDLE_SECONDS (31);
WS_PER_MESSAGE_DEFLATE=true compresses on both servers (off by default on both).
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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # ships no type information
import httpx
import redis.asyncio as aioredis
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from bench.raw_fanout import PROTOCOL, TRIGGER
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
from workorder.ids import pk_of, to_global_id
from workorder.models import Ticket, User
from workorder.subscriptions.broker import Broker, make_broker
from workorder.subscriptions.channels import user_channel

N = int(os.environ.get("BENCH_PUSHES", "1000"))  # messages for the latency figures
FANOUT = tuple(int(n) for n in os.environ.get("BENCH_FANOUT", "1000,5000").split(",") if n)
FANOUT_ROUNDS = int(os.environ.get("BENCH_FANOUT_ROUNDS", "3"))
IDLE_SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "31"))
WARMUP = 20  # unmeasured iterations first, so connection pools and caches are warm
WAIT = 30.0  # seconds a push may take before the bench gives up instead of hanging
FANOUT_WAIT = 180.0  # one push to 5,000 sockets takes many seconds today
ROUND_GUARD = 20.0  # s: a round slower than this is the last measured one of its size
SETTLE = 0.5  # s after a round: the wake-ups its undo causes are counted with it
SECRET = "bench-realtime-" * 4
# The feed says when it is live (a first `ready` item): no push is lost to a subscribe
# still on its way, and "time to open" ends when every subscription is live.
FEED = """subscription { notificationFeed { ready
  notification { id kind message ticket { number title } } } }"""
READY = 0  # the ready item counts as notification 0 (no row has that id)
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
    """One graphql-transport-ws connection carrying one `notificationFeed` subscription."""

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
                    item = data.get("notificationFeed") or {}
                    note = item.get("notification") or {}
                    pk = READY if item.get("ready") else pk_of(str(note.get("id")), "Notification")
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
        proxy=None,  # loopback: no proxy settings read from the environment for every socket
        open_timeout=WAIT,
        close_timeout=2,
    )
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
    await ws.send(json.dumps(init))
    ack = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
    if ack.get("type") != "connection_ack":
        await ws.close()
        raise RuntimeError(f"connection refused: {ack}")
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": FEED}}))
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
            # The job runner and the SLA scheduler poll on their own clocks (a worker and one
            # scheduler would, in production): off here, so that the statements counted while
            # sockets are idle are the sockets' own.
            "JOB_POLL_SECONDS": "0",
            "SLA_CHECK_SECONDS": "0",
            # Thousands of sockets of one user from one address: budgets would refuse them
            # (they have their own figures in bench.list50).
            "RATE_LIMIT_POINTS": "0",
            "RATE_LIMIT_REQUESTS_PER_ADDRESS": "0",
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
        return _rss_kib(self.process.pid)

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
        # Each feed says when it is live (its ready item): nothing is pushed before.
        for _ in sockets:
            if await arrival_of(READY, WAIT) is None:
                failures = [s.failure for s in sockets]
                raise RuntimeError(f"a subscription never went live: {failures}")
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

    def heard(self) -> int:
        return len(self.by_notification.get(self.watching, []))


async def open_many(url: str, token: str, n: int, sink: FanIn) -> list[Socket]:
    """n sockets, 50 handshakes at a time so the listen backlog never overflows."""
    gate = asyncio.Semaphore(50)

    async def one() -> Socket:
        async with gate:
            return await open_socket(url, token, sink)

    return list(await asyncio.gather(*(one() for _ in range(n))))


class Statements:
    """What the PostgreSQL server executed, from pg_stat_statements: every statement of
    every client (the server's, and this process's assignments), not this observer's."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    async def reset(self) -> None:
        await self.connection.execute("SELECT pg_stat_statements_reset()")

    async def since_reset(self) -> list[tuple[int, str]]:
        """(calls, statement), most called first."""
        rows = await self.connection.fetch(
            "SELECT calls, query FROM pg_stat_statements "
            "WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC"
        )
        return [(int(row["calls"]), " ".join(str(row["query"]).split())) for row in rows]


def _total(counted: list[tuple[int, str]]) -> int:
    return sum(calls for calls, _ in counted)


@dataclass
class Side:
    """One server under the same client code: how to push to its sockets, and what it costs."""

    name: str
    url: str
    token: str
    rss_kib: Callable[[], int]
    push: Callable[[], Awaitable[tuple[int, float]]]  # (notification pk, published at)
    away: Callable[[], Awaitable[None]]  # undo the push (workorder: assign to the other agent)
    statements: Statements | None = None
    pid: int | None = None  # the server's process, whose CPU time opening costs


@dataclass
class Size:
    """n sockets of one user on one side: opening, memory, idleness and push rounds."""

    n: int
    opened: float = 0.0  # s
    rss_open: int = 0  # KiB, every subscription registered
    open_statements: int | None = None  # SQL statements while the n sockets opened
    open_cpu: tuple[float, float] = (0.0, 0.0)  # s of CPU opening took: server, client
    idle_statements: list[tuple[int, str]] | None = None
    rss_idle: int | None = None
    rounds: list[tuple[float, float]] = field(default_factory=list)  # (first, last) in ms
    statements: list[int] = field(default_factory=list)  # per measured round
    failure: str | None = None


async def _round_trip(side: Side, sink: FanIn, wait: float) -> tuple[int, float, bool]:
    pk, published = await side.push()
    sink.watch(pk)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(sink.complete.wait(), wait)
    return pk, published, sink.complete.is_set()


async def measure_size(side: Side, n: int, idle_seconds: float | None) -> Size:
    """Open n sockets (50 handshakes at a time) until every feed said it is live, stay idle
    if asked, then FANOUT_ROUNDS rounds, each counted in statements (push, every socket
    heard it, undo, settle). A round slower than ROUND_GUARD ends the rounds of this size:
    the figure is already clear, and the whole run stays within minutes."""
    sink = FanIn(expected=n)
    size = Size(n)
    sink.watch(READY)
    if side.statements is not None:
        await side.statements.reset()
    started = time.perf_counter()
    cpu = (_cpu_seconds(side.pid), time.process_time())
    sockets = await open_many(side.url, side.token, n, sink)
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sink.complete.wait(), FANOUT_WAIT)
        size.opened = time.perf_counter() - started
        size.open_cpu = (_cpu_seconds(side.pid) - cpu[0], time.process_time() - cpu[1])
        if not sink.complete.is_set():
            size.failure = f"only {sink.heard()} of {n} subscriptions went live"
            return size
        if side.statements is not None:
            size.open_statements = _total(await side.statements.since_reset())
        await asyncio.sleep(1.0)  # settled: nothing else is sent
        size.rss_open = side.rss_kib()
        if idle_seconds is not None:
            if side.statements is not None:
                await side.statements.reset()
            await asyncio.sleep(idle_seconds)
            if side.statements is not None:
                size.idle_statements = await side.statements.since_reset()
            size.rss_idle = side.rss_kib()
        for _ in range(FANOUT_ROUNDS):
            if side.statements is not None:
                await side.statements.reset()
            pk, published, complete = await _round_trip(side, sink, FANOUT_WAIT)
            if not complete:
                size.failure = f"a push reached {sink.heard()} of {n} in {FANOUT_WAIT:.0f} s"
                break
            times = sink.by_notification[pk]
            first, last = (min(times) - published) * 1000, (max(times) - published) * 1000
            size.rounds.append((first, last))
            await side.away()
            if side.statements is not None:
                await asyncio.sleep(SETTLE)  # wake-ups the undo causes are the round's too
                size.statements.append(_total(await side.statements.since_reset()))
            if last > ROUND_GUARD * 1000:
                break
    finally:
        await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
    return size


async def assignment_alone(stage: Stage, statements: Statements) -> int:
    """Statements of one round with nobody listening: the cost a push should add nothing to."""
    listening, other = stage.agents
    counts = []
    for _ in range(3):
        await statements.reset()
        await stage.assign(listening)
        await stage.assign(other)
        await asyncio.sleep(SETTLE)
        counts.append(_total(await statements.since_reset()))
    return int(statistics.median(counts))


# ---------------------------------------------------------------- the reference server


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU of a process so far: what opening costs whatever else the machine
    runs (other work on these CPUs stretches the wall time, not this)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _deflate() -> list[str]:
    """The raw server compresses when workorder does (WS_PER_MESSAGE_DEFLATE, off unless
    set): both sides then do the same work per socket and frame."""
    on = os.environ.get("WS_PER_MESSAGE_DEFLATE", "").lower() in ("1", "true", "yes", "on")
    return ["deflate"] if on else []


def _rss_kib(pid: int) -> int:
    """Resident memory, VmRSS from /proc (kB there are KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


class RawServer:
    """bench/raw_fanout.py in a process of its own, and the socket that triggers its pushes."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}/graphql"
        self.log = folder / "raw.log"
        self.trigger: ClientConnection | None = None
        self.sent = 0
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.raw_fanout", str(self.port), *_deflate()],
                stdout=log,
                stderr=log,
            )

    async def ready(self) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                self.trigger = await connect(
                    f"ws://127.0.0.1:{self.port}{TRIGGER}",
                    subprotocols=[PROTOCOL],
                    ping_interval=None,
                    max_queue=None,
                )
                return
            except OSError:
                await asyncio.sleep(0.1)
        raise RuntimeError(f"raw server did not start:\n{self.log.read_text(errors='replace')}")

    async def push(self) -> tuple[int, float]:
        """A `next` frame shaped like workorder's, with a notification id of its own."""
        assert self.trigger is not None
        self.sent += 1
        note = {
            "id": to_global_id("Notification", self.sent),
            "kind": "ASSIGNED",
            "message": f"Assigned to you: #1 {DEMO_TICKET}",
            "ticket": {"number": 1, "title": DEMO_TICKET},
        }
        item = {"ready": False, "notification": note}
        frame = {"id": "1", "type": "next", "payload": {"data": {"notificationFeed": item}}}
        text = json.dumps(frame)
        at = time.perf_counter()
        await self.trigger.send(text)
        await self.trigger.recv()  # "sent": broadcast has queued the frame everywhere
        return self.sent, at

    async def stop(self) -> None:
        if self.trigger is not None:
            await self.trigger.close()
        stop_process(self.process)


# ---------------------------------------------------------------- the table


def _duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def _fanout_cell(size: Size) -> str:
    if not size.rounds:
        return f"no round completed ({size.failure})"
    lasts = sorted(last for _, last in size.rounds)
    firsts = sorted(first for first, _ in size.rounds)
    cell = f"{_duration(statistics.median(lasts))} median of {len(lasts)}"
    if len(lasts) > 1:
        cell += f" ({_duration(lasts[0])}..{_duration(lasts[-1])})"
    cell += f"; first socket after {_duration(statistics.median(firsts))}"
    return cell + (f"; {size.failure}" if size.failure else "")


def _progress(name: str, size: Size) -> str:
    """One line per size as it finishes, so a long run shows where it is."""
    line = f"{name}, {size.n} sockets: opened in {size.opened:.1f} s"
    line += f" (CPU: server {size.open_cpu[0]:.1f} s, client {size.open_cpu[1]:.1f} s)"
    if size.open_statements is not None:
        line += f" ({size.open_statements / size.n:.2f} statements per socket)"
    line += ", RSS "
    line += f"{size.rss_open / 1024:.0f} MiB; fan-out {_fanout_cell(size)}"
    if size.statements:
        line += f"; statements per round {size.statements}"
    if size.idle_statements is not None:
        line += f"; idle statements {_total(size.idle_statements)}"
    return line


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.1f}x" if theirs > 0 else "—"


def table(
    raw_redis: list[float],
    pushes: list[float],
    alone: int,
    ours: dict[int, Size],
    raw: dict[int, Size],
    idle_seconds: float,
) -> list[str]:
    rows = [("measure", "workorder", "reference in the same run", "ratio", "goal")]
    for q in (50, 99):
        mine, floor = _percentile(pushes, q), _percentile(raw_redis, q)
        rows.append(
            (
                f"push p{q}, assignment commit → client",
                f"{mine:.2f} ms",
                f"raw Redis publish → receive: {floor:.2f} ms",
                _ratio(mine, floor),
                "—",
            )
        )
    for n, size in ours.items():
        reference = raw[n]
        mine_ms = statistics.median([last for _, last in size.rounds]) if size.rounds else 0.0
        raw_ms = (
            statistics.median([last for _, last in reference.rounds]) if reference.rounds else 0
        )
        rows.append(
            (
                f"one push to {n:,} sockets, publish → last received",
                _fanout_cell(size),
                f"plain `websockets` server: {_fanout_cell(reference)}",
                _ratio(mine_ms, raw_ms) if size.rounds else "—",
                "≤ 2x",
            )
        )
    for n, size in ours.items():
        counted = (
            f"{statistics.median(size.statements):,.0f} (median of {len(size.statements)})"
            if size.statements
            else "—"
        )
        rows.append(
            (
                f"statements for one fan-out round (assign to the listener and away), {n:,} "
                "sockets",
                counted,
                f"one assignment alone: {alone}",
                "—",
                "≤ 150",
            )
        )
    for n, size in ours.items():
        if size.idle_statements is None or size.rss_idle is None:
            continue
        reference = raw[n]
        idle = _total(size.idle_statements)
        rows.append(
            (
                f"{n:,} idle subscribers, {idle_seconds:.0f} s: SQL statements",
                f"{idle:,}",
                "raw: 0",
                "—",
                "0",
            )
        )
        rows.append(
            (
                f"{n:,} idle subscribers: server RSS",
                f"{size.rss_idle / 1024:.0f} MiB",
                f"raw: {reference.rss_open / 1024:.0f} MiB",
                _ratio(size.rss_idle, reference.rss_open),
                "< 1 GiB",
            )
        )
        per_open = f"; server CPU {size.open_cpu[0]:.1f} s"
        if size.open_statements is not None:
            per_open += f", {size.open_statements / n:.2f} statements each"
        rows.append(
            (
                f"{n:,} idle subscribers: time to open",
                f"{size.opened:.1f} s{per_open}",
                f"raw: {reference.opened:.1f} s; server CPU {reference.open_cpu[0]:.1f} s",
                _ratio(size.opened, reference.opened),
                "< 10 s",
            )
        )
    return ["| " + " | ".join(row) + " |" for row in rows[:1]] + [
        "|---|---|---|---|---|",
        *("| " + " | ".join(row) + " |" for row in rows[1:]),
    ]


# ---------------------------------------------------------------- the run


async def _stage(broker: Broker) -> Stage:
    admin = await User.get(tenant__slug=TENANT, username=ADMIN)
    first = await User.get(tenant_id=admin.tenant_id, username=AGENTS[0])
    second = await User.get(tenant_id=admin.tenant_id, username=AGENTS[1])
    ticket = await Ticket.get(tenant_id=admin.tenant_id, title=DEMO_TICKET)
    return Stage(TimedBus(broker), Actor.of(admin), (first, second), ticket.id)


async def _fanout_sizes(
    folder: Path, stage: Stage, server: Server, statements: Statements
) -> tuple[dict[int, Size], dict[int, Size]]:
    """Each size on workorder, then on the raw server, with the same client code; the
    largest size also stays idle for IDLE_SECONDS on workorder first."""
    listening, other = stage.agents

    async def push() -> tuple[int, float]:
        sent = await stage.assign(listening)
        return sent.notification, sent.published

    async def away() -> None:
        await stage.assign(other)

    ours = Side(
        "workorder",
        server.url,
        await stage.token(listening),
        server.rss_kib,
        push,
        away,
        statements,
        server.process.pid,
    )
    raw = RawServer(folder)
    mine: dict[int, Size] = {}
    theirs: dict[int, Size] = {}
    try:
        await raw.ready()

        async def nothing() -> None:
            return None

        reference = Side(
            "raw",
            raw.url,
            "-",
            lambda: _rss_kib(raw.process.pid),
            raw.push,
            nothing,
            pid=raw.process.pid,
        )
        for n in FANOUT:
            idle = IDLE_SECONDS if n == max(FANOUT) else None
            mine[n] = await measure_size(ours, n, idle)
            print(f"  {_progress('workorder', mine[n])}", flush=True)
            await asyncio.sleep(1.0)  # the closed sockets' streams have unwound
            theirs[n] = await measure_size(reference, n, None)
            print(f"  {_progress('raw', theirs[n])}", flush=True)
    finally:
        await raw.stop()
    return mine, theirs


async def _measure(
    folder: Path, redis: Service, database_url: str, backend: str, statements: Statements
) -> None:
    print(
        f"realtime push — Redis {redis_version()} + {backend}; server: `workorder serve` "
        "(uvicorn, websockets-sansio) in its own process; reference: a plain `websockets` "
        "server (bench/raw_fanout.py) in its own process; client: websockets, "
        "graphql-transport-ws, this process, the same code for both"
    )
    # Client, server, Redis and PostgreSQL share these CPUs: the figures move with the load.
    print(f"  machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    print(
        f"  pushes: {ADMIN} assigns the demo order to {AGENTS[0]} / {AGENTS[1]} in turn with "
        "flows.assign_ticket in this process (RedisBroker, same Redis); statements counted "
        "by pg_stat_statements (every client of the database)"
    )
    print(
        f"  sizes: BENCH_PUSHES={N} BENCH_FANOUT={','.join(map(str, FANOUT))} "
        f"BENCH_FANOUT_ROUNDS={FANOUT_ROUNDS} BENCH_IDLE_SECONDS={IDLE_SECONDS:g}",
        flush=True,
    )
    raw_redis = await redis_round_trips(redis.url, N)
    print(_line("redis publish→receive", raw_redis), flush=True)

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
            tenth = max(1, N // 10)
            print(
                f"{'  drift over the run':<24} p50 first {tenth}="
                f"{statistics.median(pushes[:tenth]):.2f} ms, last {tenth}="
                f"{statistics.median(pushes[-tenth:]):.2f} ms; permessage-deflate "
                f"{'on' if deflate else 'off'}",
                flush=True,
            )
            await asyncio.sleep(0.5)  # the closed sockets' streams have unwound
            alone = await assignment_alone(stage, statements)
            mine, theirs = await _fanout_sizes(folder, stage, server, statements)
        finally:
            server.stop()
            await broker.close()
    print()
    print("\n".join(table(raw_redis, pushes, alone, mine, theirs, IDLE_SECONDS)))
    for n, size in mine.items():
        if size.idle_statements:
            print(f"\nmost frequent statements while {n:,} subscribers were idle:")
            for calls, query in size.idle_statements[:5]:
                print(f"  {calls:>7,}  {query[:110]}")


async def run() -> None:
    _raise_fd_limit()
    with tempfile.TemporaryDirectory(prefix="workorder-bench-") as name:
        folder = Path(name)
        redis = start_redis(folder / "redis")
        postgres: Service | None = None
        observer = None
        try:
            postgres = start_postgres(
                Path(tempfile.mkdtemp(prefix="workorder-bench-pg-")),
                "shared_preload_libraries=pg_stat_statements",
                "pg_stat_statements.track_utility=on",
                "pg_stat_statements.max=10000",
            )
            observer = await asyncpg.connect(postgres.url)
            await observer.execute("CREATE EXTENSION pg_stat_statements")
            backend = f"PostgreSQL {postgres_version()} (fsync off)"
            await _measure(folder, redis, postgres.url, backend, Statements(observer))
        finally:
            if observer is not None:
                await observer.close()
            if postgres is not None:
                postgres.stop()
            redis.stop()


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
