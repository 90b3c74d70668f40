"""Notes on a ticket: a comment with attachments, kept in the trace."""

from __future__ import annotations

from collections.abc import Sequence

from workorder.auth.actor import Actor
from workorder.errors import invalid, not_found
from workorder.flows.tickets.downloads import may_link
from workorder.flows.tickets.notifications import label, notify
from workorder.flows.tickets.opening import apply, open_ticket, record
from workorder.flows.tickets.state_machine import Action
from workorder.flows.unit_of_work import unit_of_work
from workorder.models import EventKind, NotificationKind, Ticket, TicketAttachment


async def note_ticket(
    actor: Actor,
    ticket_id: int,
    text: str,
    attachment_ids: Sequence[int] = (),
) -> Ticket:
    """A remark, with files, on the trace. Who may: the template's edit limit."""
    opened = await open_ticket(actor, ticket_id, Action.NOTE)
    ticket = opened.ticket
    text = text.strip()
    files = list(dict.fromkeys(attachment_ids))
    if not text and not files:
        raise invalid("Write something or attach a file", ["text"])
    if files and not await may_link(actor, files):
        raise not_found("Attachment", ["attachmentIds"])
    async with unit_of_work() as uow:
        after = await apply(ticket, {})
        for file in files:
            await TicketAttachment.get_or_create(ticket_id=ticket.id, attachment_id=file)
        event = await record(
            uow, actor, EventKind.NOTED, ticket, after, comment=text, attachments=files
        )
        if ticket.assignee_id:
            await notify(
                uow,
                after,
                event,
                NotificationKind.NOTED,
                [ticket.assignee_id],
                f"Note on {label(after)}",
                skip=actor.user_id,
            )
    return after
