"""Real server processes on the session's PostgreSQL: pushes cross processes through Redis, and
survive Redis going away.

Each server here is `workorder serve` in its own process, as in production; the test talks to
it only over HTTP and WebSocket.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import services
from tests.flows.live.test_streams import NOTIFICATIONS, live, request, take
from tests.shop import Shop
from tests.support import gid, server_process
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.moves import forward_ticket
from workorder.settings import Settings

pytestmark = pytest.mark.full_only

ASSIGN = """mutation($id: ID!, $u: ID!) { assignTicket(input: {id: $id, userId: $u}) {
  errors { code message } } }"""


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/graphql"


async def assign(shop: Shop, base: str, ticket_id: int, to: str) -> None:
    """Fay, Finance's supervisor, assigns a ticket over HTTP to the given server process."""
    async with httpx.AsyncClient(base_url=base) as http:
        reply = await http.post(
            "/graphql",
            json={
                "query": ASSIGN,
                "variables": {"id": gid("Ticket", ticket_id), "u": gid("User", shop.users[to].id)},
            },
            headers={"authorization": f"Bearer {await shop.token('fay')}"},
        )
    body = reply.json()
    assert "errors" not in body, body
    assert body["data"]["assignTicket"]["errors"] == []


async def tickets_in_finance_pool(shop: Shop, titles: list[str]) -> list[int]:
    """Tickets waiting in Finance's pool, made without publishing (nobody is listening yet)."""
    ann = shop.actor("ann")
    made = []
    for title in titles:
        ticket = await create_ticket(
            ann, NewTicket(template_id=shop.order.id, title=title, fields={"order_no": title})
        )
        await forward_ticket(ann, ticket.id)
        made.append(ticket.id)
    return made


async def test_an_action_on_one_process_reaches_a_subscriber_on_the_other(
    shop: Shop, settings: Settings
):
    assert settings.redis_url is not None
    kettle, toaster = await tickets_in_finance_pool(shop, ["Kettle", "Toaster"])
    async with (
        server_process(settings) as one,
        server_process(settings) as other,
        live(ws_url(one), await shop.token("cal")) as session,
    ):
        stream = session.subscribe(request(NOTIFICATIONS))
        got = asyncio.ensure_future(take(stream, 2))
        await asyncio.sleep(0.5)  # the subscription is registered
        await assign(shop, other, kettle, "cal")
        await assign(shop, one, toaster, "cal")
        received = [r["notifications"] for r in await got]
    assert [(n["kind"], n["ticket"]["title"]) for n in received] == [
        ("ASSIGNED", "Kettle"),
        ("ASSIGNED", "Toaster"),
    ]


async def test_redis_restarted_under_connected_clients_loses_nothing(
    shop: Shop, settings: Settings
):
    folder = Path(tempfile.mkdtemp(prefix="workorder-redis-e2e-"))
    redis = services.start_redis(folder)
    port = int(redis.url.rsplit(":", 1)[1].split("/")[0])
    tickets = await tickets_in_finance_pool(shop, ["T1", "T2", "T3", "T4"])
    try:
        async with (
            server_process(settings, REDIS_URL=redis.url) as base,
            live(ws_url(base), await shop.token("cal")) as staying,
        ):
            stays = staying.subscribe(request(NOTIFICATIONS))
            first = asyncio.ensure_future(take(stays, 1))
            await asyncio.sleep(0.5)
            await assign(shop, base, tickets[0], "cal")
            seen: list[dict[str, Any]] = [r["notifications"] for r in await first]
            assert [n["ticket"]["title"] for n in seen] == ["T1"]

            redis.stop(keep_folder=True)
            # Mutations keep succeeding while Redis is away: the notifications are stored.
            await assign(shop, base, tickets[1], "cal")
            await assign(shop, base, tickets[2], "cal")
            redis = services.start_redis(folder, port=port)

            # The server reconnects by itself and the connected client catches up.
            caught_up = [r["notifications"] for r in await take(stays, 2, wait=30)]
            assert [n["ticket"]["title"] for n in caught_up] == ["T2", "T3"]

            # A client whose socket dropped before the outage resumes with `after`.
            async with live(ws_url(base), await shop.token("cal")) as returning:
                resumed = returning.subscribe(request(NOTIFICATIONS, after=seen[0]["id"]))
                replay = [r["notifications"] for r in await take(resumed, 2)]
                assert [n["ticket"]["title"] for n in replay] == ["T2", "T3"]
                both = asyncio.gather(take(stays, 1), take(resumed, 1))
                await asyncio.sleep(0.3)
                await assign(shop, base, tickets[3], "cal")
                live_a, live_b = await both
            assert live_a[0]["notifications"]["ticket"]["title"] == "T4"
            assert live_b[0]["notifications"]["ticket"]["title"] == "T4"
    finally:
        redis.stop()
