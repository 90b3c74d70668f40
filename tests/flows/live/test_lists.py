"""Live lists and badges over a real WebSocket with the gql client: a queue kept current
without polling (which ticket entered, changed in, left it) and the menu badges — only what
the watcher may see."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.flows.live.test_streams import live, request, take
from tests.js import (
    LINE_TIMEOUT,
    js_subscriber,
    next_data,
)
from tests.shop import Shop
from tests.support import gid
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.moves import forward_ticket
from workorder.flows.unit_of_work import bind_bus

LIST = """subscription($view: TicketView!) { ticketListChanged(view: $view) {
  ready kind ticketId ticket { title status } } }"""
BADGES = """subscription { viewCountsChanged(views: [MY_GROUP_QUEUE, MINE]) {
  view count } }"""
ASSIGN = """mutation($id: ID!, $u: ID!) { assignTicket(input: {id: $id, userId: $u}) {
  errors { code } } }"""


@pytest.fixture
def bus(app: Any) -> Any:
    return app.state.broker


def _change(item: dict[str, Any]) -> tuple[Any, ...]:
    change = item["ticketListChanged"]
    ticket = change["ticket"]
    return (change["kind"], change["ticketId"], ticket and ticket["title"])


async def test_a_queue_kept_live_without_polling(shop: Shop, server_url: str, bus: Any):
    """Cal watches his groups' queue and its badge; Dee (Warehouse) watches everything she
    may see. Ann's order enters Finance's pool: Cal hears it entered; Fay assigns it to Cal:
    it left his queue and his MINE badge counts it. Dee hears nothing of it."""
    ann = shop.actor("ann")
    async with (
        live(server_url, await shop.token("cal")) as cal,
        live(server_url, await shop.token("dee")) as dee,
    ):
        queue = cal.subscribe(request(LIST, view="MY_GROUP_QUEUE"))
        badges = cal.subscribe(request(BADGES))
        everything = dee.subscribe(request(LIST, view="ALL"))
        assert (await take(queue, 1))[0]["ticketListChanged"]["ready"] is True
        assert (await take(everything, 1))[0]["ticketListChanged"]["ready"] is True
        first = (await take(badges, 1))[0]["viewCountsChanged"]
        assert [(b["view"], b["count"]) for b in first] == [("MY_GROUP_QUEUE", 0), ("MINE", 0)]
        ticket = await create_ticket(
            ann, NewTicket(template_id=shop.order.id, title="Kettle", fields={"order_no": "1"})
        )
        tid = gid("Ticket", ticket.id)
        with bind_bus(bus):
            await forward_ticket(ann, ticket.id)
        assert [_change(c) for c in await take(queue, 1)] == [("ENTERED", tid, "Kettle")]
        assert [
            (b["view"], b["count"]) for b in (await take(badges, 1))[0]["viewCountsChanged"]
        ] == [
            ("MY_GROUP_QUEUE", 1),
            ("MINE", 0),
        ]
        await shop.gql("fay", ASSIGN, {"id": tid, "u": gid("User", shop.users["cal"].id)})
        assert [_change(c) for c in await take(queue, 1)] == [("LEFT", tid, None)]
        assert [
            (b["view"], b["count"]) for b in (await take(badges, 1))[0]["viewCountsChanged"]
        ] == [
            ("MY_GROUP_QUEUE", 0),
            ("MINE", 1),
        ]
        with pytest.raises(TimeoutError):
            await take(everything, 1, wait=1.0)  # Dee may not see it: not a word


async def test_a_change_inside_the_list_and_one_made_invisible(
    shop: Shop, server_url: str, bus: Any
):
    """Ann watches her own tickets (MINE): a note on her draft changes it in the list; once
    she forwards it to Finance's pool it is no longer hers, and it leaves the list."""
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="Toaster", fields={"order_no": "2"})
    )
    tid = gid("Ticket", ticket.id)
    async with live(server_url, await shop.token("ann")) as session:
        mine = session.subscribe(request(LIST, view="MINE"))
        assert (await take(mine, 1))[0]["ticketListChanged"]["ready"] is True
        await shop.gql(
            "ann",
            """mutation($id: ID!) { addTicketNote(input: {id: $id, text: "called back"}) {
            errors { code } } }""",
            {"id": tid},
        )
        assert [_change(c) for c in await take(mine, 1)] == [("CHANGED", tid, "Toaster")]
        with bind_bus(bus):
            await forward_ticket(ann, ticket.id)
        assert [_change(c) for c in await take(mine, 1)] == [("LEFT", tid, None)]


async def test_fanned_out_frames_equal_what_each_socket_would_get(
    shop: Shop, server_url: str, bus: Any
):
    """Three sockets of Cal and one of Fay watch the same queue: each gets the same change,
    rendered for its own caller (Fay supervises Finance, so she sees it too)."""
    ann = shop.actor("ann")
    tokens = [await shop.token("cal") for _ in range(3)] + [await shop.token("fay")]
    sessions = [live(server_url, token) for token in tokens]
    opened = [await s.__aenter__() for s in sessions]
    try:
        streams = [s.subscribe(request(LIST, view="MY_GROUP_QUEUE")) for s in opened]
        for stream in streams:
            assert (await take(stream, 1))[0]["ticketListChanged"]["ready"] is True
        ticket = await create_ticket(
            ann, NewTicket(template_id=shop.order.id, title="Iron", fields={"order_no": "3"})
        )
        with bind_bus(bus):
            await forward_ticket(ann, ticket.id)
        got = await asyncio.gather(*(take(s, 1) for s in streams))
        tid = gid("Ticket", ticket.id)
        assert [_change(g[0]) for g in got] == [("ENTERED", tid, "Iron")] * 4
    finally:
        for s in sessions:
            await s.__aexit__(None, None, None)


async def test_the_stock_js_client_watches_a_queue_and_its_badge(
    shop: Shop,
    server_url: str,
    bus: Any,
    node: str,
):
    """What a browser app would run: graphql-ws's createClient on ticketListChanged and
    viewCountsChanged, fed by the same pushes as the Python client."""
    token = await shop.token("cal")
    async with (
        js_subscriber(node, server_url, token, LIST, 2, view="MY_GROUP_QUEUE") as queue,
        js_subscriber(node, server_url, token, BADGES, 2) as badges,
    ):
        assert (await next_data(queue))["ticketListChanged"]["ready"] is True
        first = (await next_data(badges))["viewCountsChanged"]
        assert [(b["view"], b["count"]) for b in first] == [("MY_GROUP_QUEUE", 0), ("MINE", 0)]
        ann = shop.actor("ann")
        ticket = await create_ticket(
            ann, NewTicket(template_id=shop.order.id, title="Kettle", fields={"order_no": "4"})
        )
        with bind_bus(bus):
            await forward_ticket(ann, ticket.id)
        change = (await next_data(queue))["ticketListChanged"]
        assert (change["kind"], change["ticketId"], change["ticket"]["title"]) == (
            "ENTERED",
            gid("Ticket", ticket.id),
            "Kettle",
        )
        counts = (await next_data(badges))["viewCountsChanged"]
        assert [(b["view"], b["count"]) for b in counts] == [("MY_GROUP_QUEUE", 1), ("MINE", 0)]
        assert await asyncio.wait_for(queue.wait(), LINE_TIMEOUT) == 0
