"""Redis frozen with SIGSTOP under a running server (full set): writes answer at once,
`/readyz` says 503 promptly, and no notification is lost — live or replayed with `after`.

The frozen Redis is this module's own, never the session's: a server app on the session's
database (one pytest process has one ORM context) with its own broker, job queue and
uvicorn, wired as the lifespan wires them.
"""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from tests import services
from tests.flows.batch.test_batch import granted
from tests.flows.live.test_streams import NOTIFICATIONS, live, request, take
from tests.jobs.test_runner import until
from tests.shop import Shop
from tests.support import Api, gid
from workorder.auth.permissions import Permission
from workorder.ids import pk_of
from workorder.jobs.queue import SaqJobQueue
from workorder.jobs.runner import Announce
from workorder.models import Job, JobStatus, Notification
from workorder.server import create_app
from workorder.settings import Settings
from workorder.subscriptions.broker import RESYNC, RedisBroker, RedisOptions

pytestmark = pytest.mark.full_only

CREATE = """mutation($input: CreateTicketInput!) { createTicket(input: $input) {
  ticket { id } errors { code message } } }"""
FORWARD = """mutation($id: ID!) { forwardTicket(input: {id: $id}) { errors { code message } } }"""
START = """mutation($input: StartBatchJobInput!) { startBatchJob(input: $input) {
  job { id status } errors { code message } } }"""
# A request still waiting this long has hung: fail rather than wait for the thaw.
HUNG = 10.0


@contextmanager
def frozen(redis: services.Service, longest: float = 30.0) -> Iterator[None]:
    """SIGSTOP now, SIGCONT on leaving — or after `longest` seconds whatever happens."""
    os.kill(redis.process.pid, signal.SIGSTOP)
    thaw = asyncio.get_running_loop().call_later(
        longest, os.kill, redis.process.pid, signal.SIGCONT
    )
    try:
        yield
    finally:
        thaw.cancel()
        os.kill(redis.process.pid, signal.SIGCONT)


async def timed(call: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = await asyncio.wait_for(call, HUNG)
    return result, time.perf_counter() - started


@dataclass
class Server:
    app: Starlette
    redis: services.Service
    ws_url: str
    http: httpx.AsyncClient

    @property
    def api(self) -> Api:
        return Api(self.http)


@asynccontextmanager
async def own_redis_server(settings: Settings) -> AsyncIterator[Server]:
    redis = services.start_redis(Path(tempfile.mkdtemp(prefix="workorder-frozen-redis-")))
    own = settings.model_copy(update={"redis_url": redis.url})
    options = RedisOptions.of(own)
    app = create_app(own)
    broker = RedisBroker(redis.url, options)
    queue = SaqJobQueue(redis.url, options)
    await broker.start()
    app.state.broker = broker
    app.state.job_queue = Announce([queue])  # the session server's runner polls the same rows
    try:
        async with (
            services.serving(app) as url,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://test"
            ) as http,
        ):
            try:
                yield Server(app, redis, url, http)
            finally:
                os.kill(redis.process.pid, signal.SIGCONT)  # else the server's stop would hang
    finally:
        await queue.close()
        await broker.close()
        redis.stop()


async def order(api: Api, token: str, shop: Shop, title: str) -> list[float]:
    """Ann takes an order and passes it to Finance (Cal hears of it): two mutations, each
    publishing after its commit; returns how long each took to answer."""
    created, first = await timed(
        api.ok(
            CREATE,
            {
                "input": {
                    "templateId": gid("Template", shop.order.id),
                    "title": title,
                    "fields": {"order_no": title},
                }
            },
            token,
        )
    )
    assert created["createTicket"]["errors"] == []
    forwarded, second = await timed(
        api.ok(FORWARD, {"id": created["createTicket"]["ticket"]["id"]}, token)
    )
    assert forwarded["forwardTicket"]["errors"] == []
    return [first, second]


async def test_a_frozen_redis_holds_no_write_and_loses_no_notification(
    shop: Shop, settings: Settings
):
    ann, cal = await shop.token("ann"), await shop.token("cal")
    await granted(shop, "fay", Permission.TICKET_BATCH)
    fay = await shop.token("fay")
    async with own_redis_server(settings) as server, live(server.ws_url, cal) as session:
        stream = session.subscribe(request(NOTIFICATIONS))
        first = asyncio.ensure_future(take(stream, 1))
        await asyncio.sleep(0.3)  # subscribed
        await order(server.api, ann, shop, "before")
        (seen,) = [r["notifications"] for r in await first]
        assert seen["ticket"]["title"] == "before"

        with frozen(server.redis):
            frozen_at = time.perf_counter()
            took = []
            for n in range(5):
                took += await order(server.api, ann, shop, f"during-{n}")
            ready, ready_took = await timed(server.http.get("/readyz"))
            started, start_took = await timed(
                server.api.ok(
                    START,
                    {"input": {"action": "CLOSE", "filter": {"status": ["DONE"]}}},
                    fay,
                )
            )
            # Long enough that every push met the frozen Redis and timed out.
            await asyncio.sleep(max(0.0, 3.0 - (time.perf_counter() - frozen_at)))

        assert max(took) < 1.0, took
        assert ready.status_code == 503
        assert ready.json() == {"status": "unavailable", "database": "ok", "broker": "unreachable"}
        assert ready_took < 1.5, ready_took
        # The Redis announce waits at most REDIS_TIMEOUT_SECONDS (1 s); the row is stored.
        assert started["startBatchJob"]["errors"] == [], started
        assert start_took < 1.5, start_took

        # After the thaw: the live subscriber catches up without reconnecting...
        during = await take(stream, 5, wait=15)
        titles = [f"during-{n}" for n in range(5)]
        assert [r["notifications"]["ticket"]["title"] for r in during] == titles
        assert (await server.http.get("/readyz")).status_code == 200

        # ...and a client that was away replays every one of them with `after`.
        async with live(server.ws_url, cal) as again:
            replay = again.subscribe(request(NOTIFICATIONS, after=seen["id"]))
            assert [r["notifications"]["ticket"]["title"] for r in await take(replay, 5)] == titles
    assert await Notification.filter(recipient_id=shop.users["cal"].id).count() == 6

    # The job started during the freeze is run from its row all the same.
    job_id = pk_of(started["startBatchJob"]["job"]["id"], "Job")

    async def finished() -> bool:
        return (await Job.get(id=job_id)).status == JobStatus.DONE

    await until(finished, 15)


async def gather_publishes(broker: RedisBroker, numbers: range) -> None:
    for n in numbers:
        await broker.publish("user:7", {"n": n})


async def test_publishing_never_waits_and_a_full_outbox_drops_the_oldest():
    redis = services.start_redis(Path(tempfile.mkdtemp(prefix="workorder-outbox-")))
    # Replies may take longer than the freeze here: the push in flight gets through.
    broker = RedisBroker(redis.url, RedisOptions(timeout=10, publish_queue=3))
    await broker.start()
    try:
        async with broker.subscribe(["user:7"]) as subscriber:
            with frozen(redis):
                _, first = await timed(broker.publish("user:7", {"n": 0}))
                await asyncio.sleep(0.2)  # the sender took it and waits on Redis
                _, rest = await timed(gather_publishes(broker, range(1, 10)))
                assert first + rest < 0.1  # never waited on Redis
                assert broker.dropped == 6  # 1..6: the outbox keeps the newest three
            got = [await subscriber.get(10) for _ in range(5)]
        # The lost ones are announced by a resync, before the kept ones (numbered on as
        # published: the dropped ones never took a number).
        assert got == [
            {"n": 0, "seq": 1},
            {**RESYNC, "n": 1},
            *({"n": n, "seq": n - 5} for n in (7, 8, 9)),
        ]
    finally:
        await broker.close()
        redis.stop()
