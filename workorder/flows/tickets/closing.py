"""Ending a ticket's life: close, reopen, void, delete."""

from __future__ import annotations

from workorder.auth.actor import Actor
from workorder.clock import now
from workorder.flows.org.lookups import may_be_given_work
from workorder.flows.tickets.finish import finish
from workorder.flows.tickets.notifications import label, notify
from workorder.flows.tickets.opening import apply, open_ticket, record
from workorder.flows.tickets.routing import assigned, by_rule
from workorder.flows.tickets.state_machine import Action
from workorder.flows.unit_of_work import unit_of_work
from workorder.models import (
    EventKind,
    NotificationKind,
    Status,
    Ticket,
    TicketCandidate,
)


async def close_ticket(
    actor: Actor,
    ticket_id: int,
    comment: str = "",
    *,
    create_follow_up: bool | None = None,
    expected_version: int | None = None,
    public_url: str | None = None,
) -> Ticket:
    """DONE from any step, by its assignee, a supervisor of its group or an admin."""
    opened = await open_ticket(actor, ticket_id, Action.CLOSE, expected_version)
    return await finish(
        actor,
        opened,
        EventKind.CLOSED,
        {},
        comment=comment.strip(),
        create_follow_up=create_follow_up,
        public_url=public_url,
    )


async def reopen_ticket(actor: Actor, ticket_id: int, comment: str = "") -> Ticket:
    """Back to the step it finished at, with its last handler if they can still take it."""
    opened = await open_ticket(actor, ticket_id, Action.REOPEN)
    ticket = opened.ticket
    step = opened.step
    handler = ticket.assignee_id
    group_id = ticket.current_group_id
    can_take = handler is not None and await may_be_given_work(handler, group_id)
    if can_take and handler is not None:
        route = assigned(ticket.current_step, group_id, handler)
    elif group_id is not None:
        route = await by_rule(step, group_id)
    else:
        route = assigned(None, None, ticket.creator_id)
    async with unit_of_work() as uow:
        after = await apply(ticket, {**route.changes(), "done_at": None})
        event = await record(uow, actor, EventKind.REOPENED, ticket, after, comment=comment.strip())
        for _, recipients in route.notify:
            await notify(
                uow,
                after,
                event,
                NotificationKind.REOPENED,
                recipients,
                f"Reopened: {label(after)}",
                skip=actor.user_id,
            )
    return after


async def void_ticket(actor: Actor, ticket_id: int, reason: str = "") -> Ticket:
    """Obsolete: from now on only administrators see it."""
    opened = await open_ticket(actor, ticket_id, Action.VOID)
    ticket = opened.ticket
    async with unit_of_work() as uow:
        after = await apply(ticket, {"status": Status.VOID, "claim_mode": None})
        await TicketCandidate.filter(ticket_id=ticket.id).delete()
        await record(uow, actor, EventKind.VOIDED, ticket, after, comment=reason.strip())
    return after


async def delete_ticket(actor: Actor, ticket_id: int) -> Ticket:
    """Soft: the row and its trace stay for the record; no path shows it any more."""
    opened = await open_ticket(actor, ticket_id, Action.DELETE)
    ticket = opened.ticket
    async with unit_of_work() as uow:
        after = await apply(ticket, {"deleted_at": now()})
        await record(uow, actor, EventKind.DELETED, ticket, after)
    return after
