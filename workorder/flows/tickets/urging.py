"""Urging a ticket: its priority goes up and its holders hear of it."""

from __future__ import annotations

from workorder.auth.actor import Actor
from workorder.flows.org.lookups import supervisors_of
from workorder.flows.sla.sla import apply_sla
from workorder.flows.tickets.notifications import label, notify
from workorder.flows.tickets.opening import apply, open_ticket, record
from workorder.flows.tickets.state_machine import Action
from workorder.flows.unit_of_work import unit_of_work
from workorder.models import PRIORITY_ORDER, EventKind, NotificationKind, Status, Ticket


async def urge_ticket(actor: Actor, ticket_id: int, comment: str = "") -> Ticket:
    """Anyone who sees it may urge: priority one level up (at most URGENT), and the one who
    must act hears of it — the assignee, or the group's supervisors while it waits."""
    opened = await open_ticket(actor, ticket_id, Action.URGE)
    ticket = opened.ticket
    level = PRIORITY_ORDER.index(ticket.priority)
    raised = PRIORITY_ORDER[min(level + 1, len(PRIORITY_ORDER) - 1)]
    async with unit_of_work() as uow:
        after = await apply(ticket, {"priority": raised, "urge_count": ticket.urge_count + 1})
        after = await apply_sla(after, ticket)
        event = await record(
            uow,
            actor,
            EventKind.URGED,
            ticket,
            after,
            comment=comment.strip(),
            data={"priority": {"before": ticket.priority, "after": raised}},
        )
        recipients = (
            [ticket.assignee_id]
            if ticket.status == Status.IN_PROGRESS and ticket.assignee_id
            else await supervisors_of(ticket.current_group_id)
        )
        await notify(
            uow,
            after,
            event,
            NotificationKind.URGED,
            recipients,
            f"Urged: {label(after)}",
            skip=actor.user_id,
        )
    return after
