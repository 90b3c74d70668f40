"""Seed 004 追加说明: the comment given with a forward, return, transfer or close is kept as a
note of the ticket (a NOTED event by the one who moved it), not only inside the move's event."""

from itertools import pairwise

from tests.shop import Shop
from workorder.flows.tickets.closing import close_ticket
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.handling import claim_ticket
from workorder.flows.tickets.moves import forward_ticket, return_ticket
from workorder.models import EventKind, TicketEvent


async def notes(ticket_id: int) -> list[tuple[str, int | None, str]]:
    rows = await TicketEvent.filter(ticket_id=ticket_id, kind=EventKind.NOTED).order_by("id")
    return [(str(e.kind), e.actor_id, e.comment) for e in rows]


async def test_forward_return_and_close_keep_their_comment_as_a_note(shop: Shop):
    ann, cal = shop.actor("ann"), shop.actor("cal")
    ticket = await create_ticket(
        ann,
        NewTicket(template_id=shop.order.id, title="Kettles", fields={"order_no": "A-7"}),
    )
    ticket = await forward_ticket(ann, ticket.id, comment="  Customer pays on delivery  ")
    ticket = await claim_ticket(cal, ticket.id)
    ticket = await return_ticket(cal, ticket.id, "No payment yet")
    ticket = await forward_ticket(ann, ticket.id)  # no comment: no note
    ticket = await claim_ticket(cal, ticket.id)
    ticket = await close_ticket(cal, ticket.id, "Cancelled by the customer")
    ann_id, cal_id = shop.users["ann"].id, shop.users["cal"].id
    assert await notes(ticket.id) == [
        ("NOTED", ann_id, "Customer pays on delivery"),
        ("NOTED", cal_id, "No payment yet"),
        ("NOTED", cal_id, "Cancelled by the customer"),
    ]
    # Each note follows its move, in the same unit of work: same ticket state on both.
    trace = await TicketEvent.filter(ticket_id=ticket.id).order_by("id")
    for before, note in pairwise(trace):
        if note.kind == EventKind.NOTED:
            assert before.kind in (EventKind.FORWARDED, EventKind.RETURNED, EventKind.CLOSED)
            assert (note.to_status, note.to_step) == (before.to_status, before.to_step)
