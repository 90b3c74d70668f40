"""SLA targets at the flow level: due dates on creation and on priority changes, and the
scheduler that tells each breach exactly once — also when two schedulers race (on
PostgreSQL a real race between two connections)."""

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from tests.shop import Shop
from tests.support import OrgBuilder
from workorder.auth.actor import Actor
from workorder.errors import ErrorCode, FlowError
from workorder.flows.sla.sla import (
    Breach,
    list_policies,
    raise_breaches,
    remove_policy,
    run_sla_scheduler,
    set_policy,
)
from workorder.flows.templates.versions import create_template
from workorder.flows.tickets.closing import close_ticket, void_ticket
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.handling import claim_ticket, save_ticket
from workorder.flows.tickets.urging import urge_ticket
from workorder.flows.unit_of_work import bind_bus
from workorder.models import (
    Notification,
    NotificationKind,
    Priority,
    SlaPolicy,
    Template,
    Ticket,
)
from workorder.subscriptions.channels import user_channel

MIN = timedelta(minutes=1)


class Recorder:
    """A bus that remembers what was published."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        self.sent.append((channel, message))


async def order(shop: Shop, priority: Priority = Priority.NORMAL, who: str = "ann") -> Ticket:
    """An Order ticket: its creator handles the first step (Sales, supervised by Sam)."""
    return await create_ticket(
        shop.actor(who),
        NewTicket(
            template_id=shop.order.id,
            title=f"{priority} kettle",
            priority=priority,
            fields={"order_no": "A-1"},
        ),
    )


async def desk_template(shop: Shop) -> Template:
    """Tickets wait in Sales until someone claims them: no first response at creation."""
    return await create_template(
        shop.org.admin_actor,
        {
            "name": "Complaint",
            "initial_assignment": "GROUP",
            "steps": [
                {
                    "key": "desk",
                    "name": "Desk",
                    "group_id": shop.groups["Sales"].id,
                    "position": 0,
                }
            ],
        },
    )


async def breach_notes() -> list[tuple[str, int | None]]:
    """(recipient, ticket id) of every SLA_BREACH notification, sorted."""
    rows = await Notification.filter(kind=NotificationKind.SLA_BREACH).prefetch_related("recipient")
    return sorted((r.recipient.username, r.ticket_id) for r in rows)


async def test_due_dates_on_create_follow_the_policy_of_the_priority(shop: Shop):
    admin = shop.org.admin_actor
    await set_policy(admin, shop.order.id, Priority.NORMAL, 60, 480)
    await set_policy(admin, shop.order.id, Priority.URGENT, 15, 120)
    await set_policy(admin, shop.order.id, Priority.LOW, None, 2880)

    normal = await order(shop, Priority.NORMAL)
    assert normal.response_due_at == normal.created_at + 60 * MIN
    assert normal.due_at == normal.created_at + 480 * MIN
    urgent = await order(shop, Priority.URGENT)
    assert (urgent.response_due_at, urgent.due_at) == (
        urgent.created_at + 15 * MIN,
        urgent.created_at + 120 * MIN,
    )
    low = await order(shop, Priority.LOW)
    assert (low.response_due_at, low.due_at) == (None, low.created_at + 2880 * MIN)
    high = await order(shop, Priority.HIGH)  # no policy at this priority: no targets
    assert (high.response_due_at, high.due_at) == (None, None)
    stored = await Ticket.get(id=urgent.id)
    assert (stored.response_due_at, stored.due_at) == (urgent.response_due_at, urgent.due_at)
    # Another template's tickets are not concerned.
    returned = await create_ticket(
        shop.actor("ann"),
        NewTicket(template_id=shop.returns.id, title="TV", fields={"model": "TV-9"}),
    )
    assert (returned.response_due_at, returned.due_at) == (None, None)


async def test_a_draft_counts_from_its_creation_too(shop: Shop):
    await set_policy(shop.org.admin_actor, shop.order.id, Priority.NORMAL, 30, 60)
    draft = await create_ticket(
        shop.actor("ann"),
        NewTicket(template_id=shop.order.id, title="Later", submit=False),
    )
    assert draft.due_at == draft.created_at + 60 * MIN


async def test_an_urge_moves_the_due_dates_counted_from_creation(shop: Shop):
    admin = shop.org.admin_actor
    await set_policy(admin, shop.order.id, Priority.NORMAL, 60, 480)
    await set_policy(admin, shop.order.id, Priority.HIGH, 30, 240)
    ticket = await order(shop)
    urged = await urge_ticket(shop.actor("sam"), ticket.id)
    assert urged.priority == Priority.HIGH
    assert (urged.response_due_at, urged.due_at) == (
        ticket.created_at + 30 * MIN,
        ticket.created_at + 240 * MIN,
    )
    stored = await Ticket.get(id=ticket.id)
    assert stored.due_at == ticket.created_at + 240 * MIN
    # URGENT has no policy: the targets go.
    urged = await urge_ticket(shop.actor("sam"), ticket.id)
    assert (urged.priority, urged.response_due_at, urged.due_at) == (Priority.URGENT, None, None)


async def test_saving_a_new_priority_moves_the_due_dates_and_other_saves_do_not(shop: Shop):
    admin = shop.org.admin_actor
    await set_policy(admin, shop.order.id, Priority.NORMAL, 60, 480)
    await set_policy(admin, shop.order.id, Priority.LOW, None, 2880)
    ticket = await order(shop)
    # A policy changed later leaves the ticket's targets alone...
    await set_policy(admin, shop.order.id, Priority.NORMAL, 10, 20)
    saved = await save_ticket(shop.actor("ann"), ticket.id, title="Four kettles")
    assert saved.due_at == ticket.created_at + 480 * MIN
    # ...and a priority change takes the new priority's.
    saved = await save_ticket(shop.actor("ann"), ticket.id, priority=Priority.LOW)
    assert (saved.response_due_at, saved.due_at) == (None, ticket.created_at + 2880 * MIN)
    assert saved.version == ticket.version + 2  # the due dates move with the save, not after


async def test_a_breach_is_told_once_to_the_assignee_and_the_supervisors(shop: Shop):
    await set_policy(shop.org.admin_actor, shop.order.id, Priority.NORMAL, None, 60)
    ticket = await order(shop)
    bus = Recorder()
    with bind_bus(bus):
        assert await raise_breaches(ticket.created_at + 59 * MIN) == 0
        assert await breach_notes() == []
        assert await raise_breaches(ticket.created_at + 61 * MIN) == 1
    # Ann handles it; Sam supervises Sales, its current group.
    assert await breach_notes() == [("ann", ticket.id), ("sam", ticket.id)]
    channels = sorted(channel for channel, _ in bus.sent)
    assert channels == sorted(
        [user_channel(shop.users["ann"].id), user_channel(shop.users["sam"].id)]
    )
    assert all(m["kind"] == "SLA_BREACH" and m["breach"] == "RESOLUTION" for _, m in bus.sent)
    row = await Notification.filter(kind=NotificationKind.SLA_BREACH).first()
    assert row is not None and "#" in row.message and "resolution" in row.message

    # Again, and later: nothing new.
    with bind_bus(bus):
        assert await raise_breaches(ticket.created_at + 61 * MIN) == 0
        assert await raise_breaches(ticket.created_at + 600 * MIN) == 0
    assert len(await breach_notes()) == 2
    stored = await Ticket.get(id=ticket.id)
    assert stored.resolution_breached_at == ticket.created_at + 61 * MIN
    assert stored.version == ticket.version  # telling is not a change of the ticket


async def test_two_schedulers_racing_tell_each_breach_once(shop: Shop):
    await set_policy(shop.org.admin_actor, shop.order.id, Priority.NORMAL, None, 60)
    tickets = [await order(shop, who=who) for who in ("ann", "bob", "ann", "bob", "sam")]
    at = max(t.created_at for t in tickets) + 61 * MIN
    first, second = Recorder(), Recorder()

    async def scheduler(bus: Recorder) -> int:
        with bind_bus(bus):
            return await raise_breaches(at)

    told = await asyncio.gather(scheduler(first), scheduler(second))
    assert sum(told) == len(tickets)
    names = {u.id: name for name, u in shop.users.items()}
    expected: list[tuple[str, int | None]] = sorted(
        [(names[t.assignee_id or 0], t.id) for t in tickets]
        + [("sam", t.id) for t in tickets if t.assignee_id != shop.users["sam"].id]
    )
    assert await breach_notes() == expected
    assert len(first.sent) + len(second.sent) == len(expected)
    assert await raise_breaches(at) == 0


async def test_no_breach_for_a_ticket_finished_in_time(shop: Shop):
    await set_policy(shop.org.admin_actor, shop.order.id, Priority.NORMAL, None, 60)
    done = await order(shop)
    await close_ticket(shop.actor("ann"), done.id)
    voided = await order(shop)
    await void_ticket(shop.org.admin_actor, voided.id)
    late = await order(shop, who="bob")
    assert await raise_breaches(late.created_at + 61 * MIN) == 1
    assert await breach_notes() == [("bob", late.id), ("sam", late.id)]


async def test_a_response_breach_only_without_a_first_response(shop: Shop):
    complaint = await desk_template(shop)
    await set_policy(shop.org.admin_actor, complaint.id, Priority.NORMAL, 30, 600)
    ann = shop.actor("ann")
    waiting = await create_ticket(ann, NewTicket(template_id=complaint.id, title="Waiting"))
    taken = await create_ticket(ann, NewTicket(template_id=complaint.id, title="Taken"))
    assert waiting.first_response_at is None and waiting.assignee_id is None
    await claim_ticket(shop.actor("bob"), taken.id)  # the first response

    start = max(waiting.created_at, taken.created_at)
    assert await raise_breaches(start + 31 * MIN, [Breach.RESOLUTION]) == 0
    assert await raise_breaches(start + 31 * MIN) == 1
    # Nobody has it yet: the group's supervisor hears of it.
    assert await breach_notes() == [("sam", waiting.id)]
    row = await Notification.get(kind=NotificationKind.SLA_BREACH)
    assert "first response" in row.message
    assert await raise_breaches(start + 32 * MIN) == 0

    # Resolution: both are late, each told once, the taken one to its assignee too.
    assert await raise_breaches(start + 601 * MIN) == 2
    assert await breach_notes() == sorted(
        [("sam", waiting.id), ("sam", waiting.id), ("bob", taken.id), ("sam", taken.id)]
    )


async def test_a_due_date_moved_ahead_is_a_new_target(shop: Shop):
    admin = shop.org.admin_actor
    await set_policy(admin, shop.order.id, Priority.NORMAL, None, 60)
    await set_policy(admin, shop.order.id, Priority.HIGH, None, 30)
    await set_policy(admin, shop.order.id, Priority.LOW, None, 24 * 60)
    ticket = await order(shop)
    # Created two hours ago: whether a moved target lies ahead is a question for the clock.
    start = ticket.created_at - 120 * MIN
    await Ticket.filter(id=ticket.id).update(created_at=start, due_at=start + 60 * MIN)
    assert await raise_breaches(start + 61 * MIN) == 1
    # Urged: the new target (30 minutes) has passed too — the same lateness, not told again.
    urged = await urge_ticket(shop.actor("sam"), ticket.id)
    assert urged.due_at == start + 30 * MIN and urged.resolution_breached_at is not None
    assert await raise_breaches(start + 121 * MIN) == 0
    # Lowered: the target lies a day ahead; missing it is a new breach, told again.
    saved = await save_ticket(shop.actor("ann"), ticket.id, priority=Priority.LOW)
    assert saved.due_at == start + 24 * 60 * MIN and saved.resolution_breached_at is None
    assert await raise_breaches(start + 23 * 60 * MIN) == 0
    assert await raise_breaches(start + 25 * 60 * MIN) == 1
    assert len(await breach_notes()) == 4


async def test_an_urge_can_make_a_ticket_overdue_at_once(shop: Shop):
    admin = shop.org.admin_actor
    await set_policy(admin, shop.order.id, Priority.NORMAL, None, 24 * 60)
    await set_policy(admin, shop.order.id, Priority.HIGH, None, 1)
    ticket = await order(shop)
    at = ticket.created_at + 5 * MIN
    assert await raise_breaches(at) == 0
    await urge_ticket(shop.actor("sam"), ticket.id)
    assert await raise_breaches(at) == 1


async def test_the_scheduler_loop_tells_and_stops(shop: Shop):
    await set_policy(shop.org.admin_actor, shop.order.id, Priority.NORMAL, None, 60)
    ticket = await order(shop)
    # Created two hours ago, as far as the clock of the loop is concerned.
    await Ticket.filter(id=ticket.id).update(due_at=ticket.created_at - 60 * MIN)
    stop = asyncio.Event()
    bus = Recorder()
    loop = asyncio.create_task(run_sla_scheduler(bus, 0.01, stop))
    for _ in range(500):
        if len(await breach_notes()) == 2:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(loop, timeout=5)
    assert await breach_notes() == [("ann", ticket.id), ("sam", ticket.id)]


async def test_policies_are_for_administrators_and_validated(shop: Shop):
    admin, sam = shop.org.admin_actor, shop.actor("sam")
    with pytest.raises(FlowError) as refused:
        await set_policy(sam, shop.order.id, Priority.NORMAL, 10, 20)
    assert refused.value.code == ErrorCode.FORBIDDEN
    for response, resolution, field in [
        (0, 20, "responseMinutes"),
        (10, -1, "resolutionMinutes"),
        (30, 20, "resolutionMinutes"),
        (None, None, "responseMinutes"),
        (10, 10**7, "resolutionMinutes"),
    ]:
        with pytest.raises(FlowError) as bad:
            await set_policy(admin, shop.order.id, Priority.NORMAL, response, resolution)
        assert (bad.value.code, bad.value.field) == (ErrorCode.INVALID, [field])
    made = await set_policy(admin, shop.order.id, Priority.HIGH, 30, 30)
    replaced = await set_policy(admin, shop.order.id, Priority.HIGH, None, 90)
    assert replaced.id == made.id
    assert (replaced.response_minutes, replaced.resolution_minutes) == (None, 90)
    await set_policy(admin, shop.order.id, Priority.LOW, None, 900)
    listed = await list_policies(sam, shop.order.id)  # everyone may read them
    assert [p.priority for p in listed] == [Priority.LOW, Priority.HIGH]

    with pytest.raises(FlowError) as refused:
        await remove_policy(sam, shop.order.id, Priority.HIGH)
    assert refused.value.code == ErrorCode.FORBIDDEN
    gone = await remove_policy(admin, shop.order.id, Priority.HIGH)
    assert gone.id == made.id
    with pytest.raises(FlowError) as missing:
        await remove_policy(admin, shop.order.id, Priority.HIGH)
    assert missing.value.code == ErrorCode.NOT_FOUND
    assert await SlaPolicy.all().count() == 1


async def test_policies_stay_in_their_tenant(shop: Shop, api):
    other = await OrgBuilder.create(api, "globex")
    stranger = Actor.of(other.admin)
    with pytest.raises(FlowError) as missing:
        await set_policy(stranger, shop.order.id, Priority.NORMAL, 10, 20)
    assert (missing.value.code, missing.value.field) == (ErrorCode.NOT_FOUND, ["templateId"])
    await set_policy(shop.org.admin_actor, shop.order.id, Priority.NORMAL, 10, 20)
    for call in (
        lambda: list_policies(stranger, shop.order.id),
        lambda: remove_policy(stranger, shop.order.id, Priority.NORMAL),
    ):
        with pytest.raises(FlowError) as hidden:
            await call()
        assert hidden.value.code == ErrorCode.NOT_FOUND
    assert await SlaPolicy.all().count() == 1
