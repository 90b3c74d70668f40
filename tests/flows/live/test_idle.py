"""An idle socket costs nothing: open streams wait for a push without reading the database
(issue 18: 0 statements while nobody does anything)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import pytest

from tests.flows.live.test_streams import live, request, take
from tests.schema.views.test_ticket_list_statements import counting  # this process, server too
from tests.shop import Shop
from tests.support import gid
from workorder.flows.tickets.create import NewTicket, create_ticket

SOCKETS = 100
QUIET = 3.0  # seconds of idleness counted

FEED = "subscription { notificationFeed { ready cursor } }"
BADGE = "subscription { unreadNotificationCount }"
TICKET = "subscription($id: ID!) { ticketFeed(id: $id) { ready cursor } }"
QUEUE = "subscription($g: ID!) { queueChanged(groupId: $g) { pending } }"


@asynccontextmanager
async def sockets_of(server_url: str, tokens: list[str]) -> AsyncIterator[list[Any]]:
    """One gql session per token, opened a few at a time and closed all at once: one by one,
    each close waits out gql's close timeout and 200 of them take minutes."""
    gate = asyncio.Semaphore(20)
    stacks = [AsyncExitStack() for _ in tokens]

    async def one(stack: AsyncExitStack, token: str) -> Any:
        async with gate:
            return await stack.enter_async_context(live(server_url, token))

    try:
        yield list(await asyncio.gather(*(one(s, t) for s, t in zip(stacks, tokens, strict=True))))
    finally:
        await asyncio.gather(*(stack.aclose() for stack in stacks), return_exceptions=True)


async def test_idle_sockets_run_no_statement(
    shop: Shop, app: Any, server_url: str, monkeypatch: pytest.MonkeyPatch
):
    # The server's job runner looks for due jobs on its own clock: not a socket's cost.
    monkeypatch.setattr(app.state.job_runner, "paused", True)
    tickets = {  # a ticket each watches (their own: drafts are their author's)
        name: gid(
            "Ticket",
            (
                await create_ticket(
                    shop.actor(name),
                    NewTicket(template_id=shop.order.id, title="Mine", fields={"order_no": "1"}),
                )
            ).id,
        )
        for name in ("ann", "cal")
    }
    finance = gid("Group", shop.groups["Finance"].id)
    tokens = {name: await shop.token(name) for name in ("ann", "cal")}
    names = ["cal" if i % 2 else "ann" for i in range(SOCKETS)]
    async with sockets_of(server_url, [tokens[name] for name in names]) as sessions:
        streams = []
        for name, session in zip(names, sessions, strict=True):
            streams.append(session.subscribe(request(FEED)))
            streams.append(session.subscribe(request(TICKET, id=tickets[name])))
            if name == "cal":  # Cal is in Finance
                streams.append(session.subscribe(request(BADGE)))
                streams.append(session.subscribe(request(QUEUE, g=finance)))
        # Every stream has said it is live (read what it needed): from now on, nobody acts.
        firsts = await asyncio.gather(*(take(s, 1, wait=60) for s in streams))
        assert len(firsts) == SOCKETS * 3
        await asyncio.sleep(0.3)  # a job-runner round begun before the pause ends
        with counting() as statements:
            await asyncio.sleep(QUIET)
        assert statements == []
