"""A socket keeps its user's reach in memory, so a change of reach must reach the socket:
a sharing rule taken away (or a group left) stops what it gave, at once."""

from __future__ import annotations

from typing import Any

import pytest

from tests.flows.live.test_streams import live, request, take
from tests.shop import Shop
from tests.support import gid
from workorder.flows.org.groups import update_group
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.moves import forward_ticket
from workorder.flows.unit_of_work import bind_bus
from workorder.flows.views.sharing import create_sharing_rule, delete_sharing_rule

FEED = """subscription($id: ID!) { ticketFeed(id: $id) { ready event { kind } } }"""
NOTE = """mutation($id: ID!, $text: String!) { addTicketNote(input: {id: $id, text: $text}) {
  errors { code } } }"""
QUEUE = "subscription($g: ID!) { queueChanged(groupId: $g) { pending } }"


@pytest.fixture
def bus(app: Any) -> Any:
    return app.state.broker


async def test_a_sharing_rule_taken_away_stops_the_ticket_feed(
    shop: Shop, server_url: str, bus: Any
):
    admin = shop.org.admin_actor
    ann, dee = shop.users["ann"], shop.users["dee"]
    ticket = await create_ticket(
        shop.actor("ann"),
        NewTicket(template_id=shop.order.id, title="Shared", fields={"order_no": "1"}),
    )
    tid = gid("Ticket", ticket.id)
    with bind_bus(bus):
        rule = await create_sharing_rule(admin, owner_user_id=ann.id, target_user_id=dee.id)
    async with live(server_url, await shop.token("dee")) as session:
        feed = session.subscribe(request(FEED, id=tid))
        assert (await take(feed, 1))[0]["ticketFeed"]["ready"] is True
        await shop.gql("ann", NOTE, {"id": tid, "text": "first"})
        assert [e["ticketFeed"]["event"]["kind"] for e in await take(feed, 1)] == ["NOTED"]
        with bind_bus(bus):
            await delete_sharing_rule(admin, rule.id)
        await shop.gql("ann", NOTE, {"id": tid, "text": "not for Dee any more"})
        assert await take(feed, 1, wait=5) == []  # the stream ended without the second note


async def test_leaving_a_group_stops_its_queue(shop: Shop, server_url: str, bus: Any):
    finance = shop.groups["Finance"]
    ticket = await create_ticket(
        shop.actor("ann"),
        NewTicket(template_id=shop.order.id, title="Queue", fields={"order_no": "2"}),
    )
    async with live(server_url, await shop.token("cal")) as session:
        queue = session.subscribe(request(QUEUE, g=gid("Group", finance.id)))
        assert [q["queueChanged"]["pending"] for q in await take(queue, 1)] == [0]
        with bind_bus(bus):
            await update_group(shop.org.admin_actor, finance.id, member_ids=[shop.users["fay"].id])
            await forward_ticket(shop.actor("ann"), ticket.id)
        assert await take(queue, 1, wait=5) == []  # no longer a member: the stream ended


async def test_an_administrator_demoted_while_watching_stops_seeing_as_one(
    shop: Shop, server_url: str, bus: Any
):
    """A socket authenticates once: when its user loses the administrator role, its streams
    end (the client reconnects as what the user is now) instead of seeing on as an admin."""
    from workorder.flows.org.users import UserChanges, update_user
    from workorder.models import Role

    ada = await shop.org.user("ada", Role.ADMIN)
    draft = await create_ticket(
        shop.actor("ann"),
        NewTicket(template_id=shop.order.id, title="Draft", fields={"order_no": "3"}),
    )
    tid = gid("Ticket", draft.id)
    async with live(server_url, await shop.token("ada")) as session:
        feed = session.subscribe(request(FEED, id=tid))
        assert (await take(feed, 1))[0]["ticketFeed"]["ready"] is True  # admins see drafts
        with bind_bus(bus):
            await update_user(shop.org.admin_actor, ada.id, UserChanges(roles=[Role.AGENT]))
        await shop.gql("ann", NOTE, {"id": tid, "text": "not for an agent of Sales"})
        assert await take(feed, 1, wait=5) == []  # the stream ended without the note
