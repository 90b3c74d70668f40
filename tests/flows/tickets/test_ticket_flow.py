"""The ticket engine at the flow level: the seeds' stories, step by step."""

import pytest

from tests.shop import Shop
from workorder.errors import ErrorCode, FlowError
from workorder.flows.tickets.closing import close_ticket
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.handling import claim_ticket
from workorder.flows.tickets.moves import forward_ticket, return_ticket
from workorder.flows.tickets.urging import urge_ticket
from workorder.models import EventKind, Priority, Status, TicketEvent


async def test_an_order_travels_the_groups_and_comes_back_to_its_creator(shop: Shop):
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann,
        NewTicket(
            template_id=shop.order.id,
            title="Three kettles",
            fields={"order_no": "A-1", "amount": 90},
        ),
    )
    # Initial assignment CREATOR: Ann handles the first step herself.
    assert (ticket.status, ticket.current_step, ticket.assignee_id) == (
        Status.IN_PROGRESS,
        "sales",
        shop.users["ann"].id,
    )
    ticket = await forward_ticket(ann, ticket.id)
    assert (ticket.status, ticket.current_step, ticket.assignee_id) == (
        Status.PENDING,
        "finance",
        None,
    )

    with pytest.raises(FlowError) as refused:
        await claim_ticket(shop.actor("dee"), ticket.id)  # not in Finance: cannot even see it
    assert refused.value.code == ErrorCode.NOT_FOUND
    ticket = await claim_ticket(shop.actor("cal"), ticket.id)
    with pytest.raises(FlowError) as missing:
        await forward_ticket(shop.actor("cal"), ticket.id)
    assert missing.value.code == ErrorCode.INVALID  # "paid" is required to leave finance
    ticket = await forward_ticket(shop.actor("cal"), ticket.id, fields={"paid": True})
    # Warehouse is LEAST_LOADED: the member with the fewest tickets in progress, lowest id.
    assert ticket.current_step == "warehouse" and ticket.assignee_id == shop.users["walt"].id
    ticket = await forward_ticket(shop.actor("walt"), ticket.id)
    assert ticket.current_step == "logistics" and ticket.status == Status.PENDING
    ticket = await claim_ticket(shop.actor("eve"), ticket.id)
    ticket = await forward_ticket(shop.actor("eve"), ticket.id, fields={"tracking": "SF123"})
    # Retain agent: back in Sales, the creator Ann gets it again.
    assert (ticket.current_step, ticket.assignee_id) == ("care", shop.users["ann"].id)
    ticket = await urge_ticket(shop.actor("sam"), ticket.id, "Customer called twice")
    assert ticket.priority == Priority.HIGH
    ticket = await close_ticket(ann, ticket.id, "Customer happy")
    assert ticket.status == Status.DONE
    kinds = [e.kind for e in await TicketEvent.filter(ticket_id=ticket.id).order_by("id")]
    assert kinds == [
        EventKind.CREATED,
        EventKind.FORWARDED,
        EventKind.CLAIMED,
        EventKind.FORWARDED,
        EventKind.FORWARDED,
        EventKind.CLAIMED,
        EventKind.FORWARDED,
        EventKind.URGED,
        EventKind.CLOSED,
        EventKind.NOTED,  # the closing comment, kept as Ann's note
    ]


async def test_returns_walk_back_through_the_trail(shop: Shop):
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=shop.returns.id, title="Scratched TV", fields={"model": "TV-9"})
    )
    ticket = await forward_ticket(ann, ticket.id)
    assert (ticket.current_step, ticket.status) == ("manager", Status.PENDING)
    from workorder.flows.tickets.handling import assign_ticket

    ticket = await assign_ticket(shop.actor("sam"), ticket.id, shop.users["fay"].id)
    with pytest.raises(FlowError) as choose:
        await forward_ticket(shop.actor("fay"), ticket.id, fields={"decision": "reject"})
    assert choose.value.field == ["nextStep"]
    ticket = await return_ticket(shop.actor("fay"), ticket.id, "Photos missing")
    assert (ticket.current_step, ticket.assignee_id) == ("agent", shop.users["ann"].id)
    with pytest.raises(FlowError) as no_reason:
        await return_ticket(ann, ticket.id, "  ")
    assert no_reason.value.field == ["reason"]
