"""Batch actions on selected tickets: each ticket through the single action, alone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.shop import Shop
from workorder.auth.actor import Actor
from workorder.auth.permissions import Permission
from workorder.errors import ErrorCode, FlowError
from workorder.flows.batch import batch
from workorder.flows.tickets.closing import close_ticket
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.handling import claim_ticket
from workorder.flows.tickets.moves import forward_ticket
from workorder.flows.unit_of_work import bind_bus
from workorder.models import (
    EventKind,
    Notification,
    NotificationKind,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    User,
)
from workorder.subscriptions.channels import ticket_channel


class Recorder:
    """A bus that keeps what it was asked to publish."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        self.sent.append((channel, message))

    def to_tickets(self) -> set[str]:
        return {c for c, _ in self.sent if c.startswith("ticket:")}


async def granted(shop: Shop, username: str, *permissions: str) -> Actor:
    user = shop.users[username]
    await User.filter(id=user.id).update(permissions=list(permissions))
    return Actor.of(await User.get(id=user.id))


async def in_finance(shop: Shop, title: str) -> Ticket:
    """An order Ann took and passed on: PENDING in Finance's pool."""
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=shop.order.id, title=title, fields={"order_no": title})
    )
    return await forward_ticket(ann, ticket.id)


async def in_sales(shop: Shop, title: str) -> Ticket:
    """Ann's own order at the first step: Finance cannot see it."""
    return await create_ticket(
        shop.actor("ann"),
        NewTicket(template_id=shop.order.id, title=title, fields={"order_no": title}),
    )


async def events(ticket: Ticket, kind: EventKind) -> int:
    return await TicketEvent.filter(ticket_id=ticket.id, kind=kind).count()


async def test_batch_close_closes_what_it_may_and_reports_the_rest(shop: Shop):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    first, second = await in_finance(shop, "A-1"), await in_finance(shop, "A-2")
    hidden = await in_sales(shop, "A-3")
    done = await in_finance(shop, "A-4")
    await close_ticket(shop.actor("fay"), done.id)
    bus = Recorder()

    with bind_bus(bus):
        outcomes = await batch.run_batch(
            fay,
            batch.Close(comment="Paid by phone"),
            [first.id, hidden.id, done.id, second.id],
            limit=10,
        )

    assert [(o.ticket_id, o.ok) for o in outcomes] == [
        (first.id, True),
        (hidden.id, False),
        (done.id, False),
        (second.id, True),
    ]
    assert outcomes[1].error is not None and outcomes[1].error.code == ErrorCode.NOT_FOUND
    assert outcomes[2].error is not None and outcomes[2].error.code == ErrorCode.WRONG_STATUS
    for ticket in (first, second):
        after = await Ticket.get(id=ticket.id)
        assert after.status == Status.DONE
        assert await events(ticket, EventKind.CLOSED) == 1
    assert (await Ticket.get(id=hidden.id)).status == Status.IN_PROGRESS
    assert await events(hidden, EventKind.CLOSED) == 0
    assert await events(done, EventKind.CLOSED) == 1  # the earlier single close only
    # Each changed ticket was pushed after its own commit; the refused ones were not.
    assert bus.to_tickets() == {ticket_channel(first.id), ticket_channel(second.id)}


async def test_a_refusal_is_per_ticket_and_leaves_the_ticket_as_it_was(shop: Shop):
    cal = await granted(shop, "cal", Permission.TICKET_BATCH)
    mine = await claim_ticket(shop.actor("cal"), (await in_finance(shop, "A-1")).id)
    waiting = await in_finance(shop, "A-2")  # Cal sees it, but is not in charge of it

    outcomes = await batch.run_batch(cal, batch.Close(), [waiting.id, mine.id], limit=10)

    assert outcomes[0].error is not None and outcomes[0].error.code == ErrorCode.FORBIDDEN
    assert outcomes[1].ok and outcomes[1].ticket is not None
    assert outcomes[1].ticket.status == Status.DONE
    after = await Ticket.get(id=waiting.id)
    assert (after.status, after.version) == (Status.PENDING, waiting.version)


async def test_batch_urge_raises_each_and_tells_who_must_act(shop: Shop):
    cal = await granted(shop, "cal", Permission.TICKET_BATCH)
    first, second = await in_finance(shop, "A-1"), await in_finance(shop, "A-2")
    hidden = await in_sales(shop, "A-3")

    outcomes = await batch.run_batch(
        cal, batch.Urge(comment="Customer waiting"), [first.id, hidden.id, second.id], limit=10
    )

    assert [o.ok for o in outcomes] == [True, False, True]
    for ticket in (first, second):
        after = await Ticket.get(id=ticket.id)
        assert (after.priority, after.urge_count) == (Priority.HIGH, 1)
        assert await events(ticket, EventKind.URGED) == 1
    untouched = await Ticket.get(id=hidden.id)
    assert (untouched.priority, untouched.urge_count) == (Priority.NORMAL, 0)
    urged = await Notification.filter(
        kind=NotificationKind.URGED, recipient_id=shop.users["fay"].id
    ).count()
    assert urged == 2  # the supervisor of the pool, once per urged ticket


async def test_batch_transfer_needs_the_transfer_grant_per_ticket(shop: Shop):
    dee = shop.users["dee"]
    first, second = await in_finance(shop, "A-1"), await in_finance(shop, "A-2")
    hidden = await in_sales(shop, "A-3")
    action = batch.Transfer(user_ids=(dee.id,), comment="Warehouse knows")

    refused = await batch.run_batch(
        await granted(shop, "fay", Permission.TICKET_BATCH), action, [first.id, second.id], limit=10
    )
    assert all(o.error is not None and o.error.code == ErrorCode.FORBIDDEN for o in refused)

    fay = await granted(shop, "fay", Permission.TICKET_BATCH, "ticket.transfer")
    outcomes = await batch.run_batch(fay, action, [first.id, hidden.id, second.id], limit=10)

    assert [o.ok for o in outcomes] == [True, False, True]
    for ticket in (first, second):
        after = await Ticket.get(id=ticket.id)
        assert (after.status, after.assignee_id) == (Status.IN_PROGRESS, dee.id)
        assert await events(ticket, EventKind.TRANSFERRED) == 1
    assert (await Ticket.get(id=hidden.id)).assignee_id == shop.users["ann"].id
    assert await events(hidden, EventKind.TRANSFERRED) == 0


async def test_batch_assign_and_delete(shop: Shop):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    cal = shop.users["cal"]
    first, second = await in_finance(shop, "A-1"), await in_finance(shop, "A-2")

    assigned = await batch.run_batch(fay, batch.Assign(cal.id), [first.id, second.id], limit=10)
    assert all(o.ok for o in assigned)
    assert {t.assignee_id for t in await Ticket.filter(id__in=[first.id, second.id])} == {cal.id}

    # Ann is not in Finance: the assign rule refuses her for every ticket.
    elsewhere = await batch.run_batch(fay, batch.Assign(shop.users["ann"].id), [first.id], limit=10)
    assert elsewhere[0].error is not None and elsewhere[0].error.code == ErrorCode.INVALID

    deleted = await batch.run_batch(fay, batch.Delete(), [first.id, second.id], limit=10)
    assert all(o.ok for o in deleted)
    assert await Ticket.filter(id__in=[first.id, second.id], deleted_at=None).count() == 0
    assert await events(first, EventKind.DELETED) == 1


async def test_over_the_limit_nothing_is_done(shop: Shop):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = [await in_finance(shop, f"A-{n}") for n in range(3)]

    with pytest.raises(FlowError) as refused:
        await batch.run_batch(fay, batch.Close(), [t.id for t in tickets], limit=2)

    assert refused.value.code == ErrorCode.INVALID
    assert refused.value.field == ["ids"]
    assert "filter-based batch job" in refused.value.message
    assert await Ticket.filter(status=Status.DONE).count() == 0
    assert await TicketEvent.filter(kind=EventKind.CLOSED).count() == 0


async def test_duplicates_count_and_run_once(shop: Shop):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    first, second = await in_finance(shop, "A-1"), await in_finance(shop, "A-2")

    outcomes = await batch.run_batch(
        fay, batch.Urge(), [first.id, second.id, first.id, first.id], limit=2
    )

    assert [o.ticket_id for o in outcomes] == [first.id, second.id]
    assert (await Ticket.get(id=first.id)).urge_count == 1


async def test_batch_actions_need_the_batch_grant(shop: Shop):
    ticket = await in_finance(shop, "A-1")
    with pytest.raises(FlowError) as refused:
        await batch.run_batch(shop.actor("fay"), batch.Close(), [ticket.id], limit=10)
    assert refused.value.code == ErrorCode.FORBIDDEN
    assert (await Ticket.get(id=ticket.id)).status == Status.PENDING
    # Administrators hold every grant.
    done = await batch.run_batch(shop.org.admin_actor, batch.Close(), [ticket.id], limit=10)
    assert done[0].ok


def test_selection_keeps_the_first_of_each_and_the_order():
    assert batch.selection([3, 1, 3, 2, 1], 3) == [3, 1, 2]
    with pytest.raises(FlowError) as refused:
        batch.selection([1, 2, 3], 2)
    assert refused.value.field == ["ids"]
