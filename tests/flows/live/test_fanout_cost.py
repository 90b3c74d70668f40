"""A push costs the database once, not once per socket (issue 18: one fan-out round — assign
the ticket to the listener and away — stays within 150 statements for 200 sockets)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.flows.live.test_idle import sockets_of
from tests.flows.live.test_streams import request, take
from tests.schema.views.test_ticket_list_statements import counting
from tests.shop import Shop
from tests.support import gid
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.handling import assign_ticket
from workorder.flows.tickets.moves import forward_ticket
from workorder.flows.unit_of_work import bind_bus

SOCKETS = 200
BUDGET = 150  # statements for one round, whatever the number of sockets
PUSH_WAIT = 180.0  # today every socket re-reads the database: a round takes seconds
SETTLE = 0.5  # late wake-ups the second assignment causes are counted too

FEED = """subscription { notificationFeed { ready
  notification { kind ticket { title } } } }"""
TICKET = """subscription($id: ID!) { ticketFeed(id: $id) { ready
  event { kind } } }"""


async def _pool_ticket(shop: Shop, app: Any) -> int:
    """Ann's order in Finance's pool: Fay (its supervisor) may hand it to Cal and back."""
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="Fan-out", fields={"order_no": "F-1"})
    )
    with bind_bus(app.state.broker):
        await forward_ticket(ann, ticket.id)
    return ticket.id


async def _subscribe(
    sessions: list[Any], query: str, **variables: Any
) -> list[AsyncIterator[dict[str, Any]]]:
    """One subscription per socket, every one confirmed live."""
    streams = [session.subscribe(request(query, **variables)) for session in sessions]
    firsts = await asyncio.gather(*(take(s, 1, wait=PUSH_WAIT) for s in streams))
    assert all(next(iter(first[0].values()))["ready"] for first in firsts)
    return streams


async def _round(
    shop: Shop, app: Any, ticket_id: int, streams: list[AsyncIterator[dict[str, Any]]], n: int
) -> tuple[list[str], list[list[dict[str, Any]]]]:
    """Fay assigns the ticket to Cal and then to herself; every statement this process runs
    meanwhile (the server's too) until each stream has its `n` pushes."""
    fay, cal = shop.actor("fay"), shop.users["cal"]
    heard = [asyncio.ensure_future(take(s, n, wait=PUSH_WAIT)) for s in streams]
    with counting() as statements, bind_bus(app.state.broker):
        await assign_ticket(fay, ticket_id, cal.id)
        if n == 1:  # the listener's push first: the second assignment is not for him
            await asyncio.gather(*heard)
        await assign_ticket(fay, ticket_id, shop.users["fay"].id)
        received = await asyncio.gather(*heard)
        await asyncio.sleep(SETTLE)
    return list(statements), received


async def test_a_notification_pushed_to_200_sockets_of_one_user_costs_the_database_once(
    shop: Shop, app: Any, server_url: str, monkeypatch: pytest.MonkeyPatch
):
    # The server's job runner looks for due jobs on its own clock: not a socket's cost.
    monkeypatch.setattr(app.state.job_runner, "paused", True)
    ticket_id = await _pool_ticket(shop, app)
    token = await shop.token("cal")
    async with sockets_of(server_url, [token] * SOCKETS) as sessions:
        streams = await _subscribe(sessions, FEED)
        await asyncio.sleep(0.3)  # a job-runner round begun before the pause ends
        statements, received = await _round(shop, app, ticket_id, streams, 1)
    pushed = [r[0]["notificationFeed"]["notification"] for r in received]
    assert pushed == [{"kind": "ASSIGNED", "ticket": {"title": "Fan-out"}}] * SOCKETS
    assert len(statements) <= BUDGET, f"{len(statements)} statements for one round"


async def test_a_ticket_event_pushed_to_200_sockets_of_four_users_costs_the_database_once(
    shop: Shop, app: Any, server_url: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(app.state.job_runner, "paused", True)
    ticket_id = await _pool_ticket(shop, app)
    # Everyone who may see it: its author, Finance's agent and supervisor, the admin.
    watchers = ("ann", "cal", "fay", "admin")
    tokens = {name: await shop.token(name) for name in watchers}
    by_socket = [tokens[watchers[i % len(watchers)]] for i in range(SOCKETS)]
    async with sockets_of(server_url, by_socket) as sessions:
        streams = await _subscribe(sessions, TICKET, id=gid("Ticket", ticket_id))
        await asyncio.sleep(0.3)
        statements, received = await _round(shop, app, ticket_id, streams, 2)
    kinds = [[e["ticketFeed"]["event"]["kind"] for e in r] for r in received]
    assert kinds == [["ASSIGNED", "ASSIGNED"]] * SOCKETS
    assert len(statements) <= BUDGET, f"{len(statements)} statements for one round"
