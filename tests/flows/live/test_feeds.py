"""The feeds and the small protocol promises, over a real WebSocket with the gql client: a
first "ready" item instead of a sleep, resume cursors (also for a user with nothing yet),
events and queue counts that name their ticket."""

import asyncio
from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError

from tests.flows.live.test_streams import kettle_for_cal, live, request, take
from tests.shop import Shop
from tests.support import gid
from workorder.flows.live.socket import Position
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.moves import forward_ticket
from workorder.flows.unit_of_work import bind_bus
from workorder.models import Notification
from workorder.resolvers.tickets.subscriptions import cursor_of

FEED = """subscription($after: String) { notificationFeed(after: $after) {
  ready cursor notification { kind ticket { number title } } } }"""

TICKET_FEED = """subscription($id: ID!, $after: String) { ticketFeed(id: $id, after: $after) {
  ready cursor event { kind ticketId ticket { number } actor { username } } } }"""


@pytest.fixture
def bus(app: Any) -> Any:
    """The server's broker: flows a test calls directly publish through it too, when bound."""
    return app.state.broker


def item_kinds(items: list[dict[str, Any]], field: str, what: str) -> list[str | None]:
    return [i[field][what]["kind"] if i[field][what] else None for i in items]


async def test_a_user_with_no_notifications_yet_resumes_from_the_ready_cursor(
    shop: Shop, server_url: str, bus: Any
):
    """Cal has nothing yet: the ready item alone gives him a position, so what reached him
    while he was away is replayed when he comes back."""
    async with live(server_url, await shop.token("cal")) as session:
        (ready,) = await take(session.subscribe(request(FEED)), 1)
    assert ready["notificationFeed"]["ready"] is True
    assert ready["notificationFeed"]["notification"] is None
    await kettle_for_cal(shop, bus)  # two notifications while Cal is away
    async with live(server_url, await shop.token("cal")) as session:
        after = ready["notificationFeed"]["cursor"]
        items = await take(session.subscribe(request(FEED, after=after)), 3)
    assert [i["notificationFeed"]["ready"] for i in items] == [True, False, False]
    assert item_kinds(items, "notificationFeed", "notification") == [None, "POOL_NEW", "ASSIGNED"]
    assert items[2]["notificationFeed"]["notification"]["ticket"] == {
        "number": 1,
        "title": "Kettle",
    }


async def test_the_ready_item_means_live_without_a_sleep(shop: Shop, server_url: str, bus: Any):
    async with live(server_url, await shop.token("cal")) as session:
        stream = session.subscribe(request(FEED))
        (ready,) = await take(stream, 1)
        assert ready["notificationFeed"]["ready"] is True
        await kettle_for_cal(shop, bus)
        received = await take(stream, 2)
    assert item_kinds(received, "notificationFeed", "notification") == ["POOL_NEW", "ASSIGNED"]


async def test_a_cursor_resends_a_row_that_committed_after_a_higher_one(
    shop: Shop, server_url: str, bus: Any
):
    """Commits land out of id order: a cursor names the ids sent above its floor, so a row
    with a lower id that committed late is sent on resume, and none is sent twice."""
    ann = shop.actor("ann")
    for n in range(4):
        ticket = await create_ticket(
            ann, NewTicket(template_id=shop.order.id, title=f"T{n}", fields={"order_no": f"{n}"})
        )
        await forward_ticket(ann, ticket.id)
    ids = [
        n.id for n in await Notification.filter(recipient_id=shop.users["cal"].id).order_by("id")
    ]
    # Sent: the first and the third; the second "committed late", the fourth is new.
    after = cursor_of(Position(ids[0], (ids[2],)))
    async with live(server_url, await shop.token("cal")) as session:
        items = await take(session.subscribe(request(FEED, after=after)), 3)
    titles = [
        i["notificationFeed"]["notification"]["ticket"]["title"]
        for i in items
        if i["notificationFeed"]["notification"]
    ]
    assert titles == ["T1", "T3"]


async def test_bad_cursors_are_refused_clearly(shop: Shop, server_url: str, bus: Any):
    await kettle_for_cal(shop, bus)
    of_cal = await Notification.filter(recipient_id=shop.users["cal"].id).first()
    assert of_cal is not None
    async with live(server_url, await shop.token("bob")) as session:
        for after, message in [
            ("not a cursor", "Not a cursor of this feed or a Notification id"),
            (cursor_of(Position(of_cal.id)), "Unknown notification id"),  # not Bob's
        ]:
            with pytest.raises(TransportQueryError) as refused:
                await take(session.subscribe(request(FEED, after=after)), 1)
            assert message in str(refused.value)


async def test_ticket_feed_events_name_their_ticket_and_resume(
    shop: Shop, server_url: str, bus: Any
):
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="Watched", fields={"order_no": "A-1"})
    )
    tid = gid("Ticket", ticket.id)
    async with live(server_url, await shop.token("ann")) as session:
        stream = session.subscribe(request(TICKET_FEED, id=tid))
        (ready,) = await take(stream, 1)
        assert ready["ticketFeed"]["ready"] is True
        with bind_bus(bus):
            await forward_ticket(ann, ticket.id, comment="to finance")
        (forwarded,) = await take(stream, 1)
    event = forwarded["ticketFeed"]["event"]
    assert event == {
        "kind": "FORWARDED",
        "ticketId": tid,
        "ticket": {"number": ticket.number},
        "actor": {"username": "ann"},
    }
    await shop.gql(  # while Ann is away
        "cal",
        "mutation($id: ID!) { claimTicket(input: {id: $id}) { errors { code } } }",
        {"id": tid},
    )
    async with live(server_url, await shop.token("ann")) as session:
        after = forwarded["ticketFeed"]["cursor"]
        items = await take(session.subscribe(request(TICKET_FEED, id=tid, after=after)), 3)
    # The forward's comment was kept as a note too (right after the forward), then Cal claimed.
    assert item_kinds(items, "ticketFeed", "event") == [None, "NOTED", "CLAIMED"]
    assert {item["ticketFeed"]["event"]["ticketId"] for item in items[1:]} == {tid}


async def test_queue_counts_name_the_ticket_that_moved_while_it_is_visible(
    shop: Shop, server_url: str, bus: Any
):
    """Cal watches Finance's queue: he sees the ticket that entered it; when Fay takes it
    for herself it leaves the queue and Cal's sight, so the count no longer names it."""
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="Q", fields={"order_no": "A-1"})
    )
    finance = gid("Group", shop.groups["Finance"].id)
    async with live(server_url, await shop.token("cal")) as session:
        queue = session.subscribe(
            request(
                """subscription($g: ID!) { queueChanged(groupId: $g) {
            pending ticket { number } } }""",
                g=finance,
            )
        )
        first = await take(queue, 1)  # the count now: the stream is live
        with bind_bus(bus):
            await forward_ticket(ann, ticket.id)
        entered = await take(queue, 1)
        await shop.gql(
            "fay",
            """mutation($id: ID!, $u: ID!) { assignTicket(input:
            {id: $id, userId: $u}) { errors { code } } }""",
            {"id": gid("Ticket", ticket.id), "u": gid("User", shop.users["fay"].id)},
        )
        left = await take(queue, 1)
    assert [c["queueChanged"] for c in first + entered + left] == [
        {"pending": 0, "ticket": None},
        {"pending": 1, "ticket": {"number": ticket.number}},
        {"pending": 0, "ticket": None},
    ]


async def test_a_queue_count_names_the_ticket_to_whoever_still_sees_it(
    shop: Shop, server_url: str, bus: Any
):
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title="Q", fields={"order_no": "A-1"})
    )
    finance = gid("Group", shop.groups["Finance"].id)
    async with live(server_url, await shop.token("fay")) as session:
        queue = session.subscribe(
            request(
                """subscription($g: ID!) { queueChanged(groupId: $g) {
            pending ticket { number } } }""",
                g=finance,
            )
        )
        await take(queue, 1)
        with bind_bus(bus):
            await forward_ticket(ann, ticket.id)
        await take(queue, 1)
        await shop.gql(
            "cal",
            "mutation($id: ID!) { claimTicket(input: {id: $id}) { errors { code } } }",
            {"id": gid("Ticket", ticket.id)},
        )
        (claimed,) = await asyncio.wait_for(take(queue, 1), 10)
    assert claimed["queueChanged"] == {"pending": 0, "ticket": {"number": ticket.number}}
