"""Notes on a ticket (追加说明): a comment with attachments, kept in the trace.

A note comes on its own (`note_ticket`) or with a move: the comment given with a forward,
return, transfer or close is kept as a note too (seed 004: choosing the next step saves the
added explanation). Both go through `keep_note`, so a note reads the same wherever it came
from: in the timeline, the NOTED events and the export's Notes sheet.
"""

from __future__ import annotations

from collections.abc import Sequence

from workorder.auth.actor import Actor
from workorder.errors import invalid, not_found
from workorder.flows.tickets.downloads import may_link
from workorder.flows.tickets.notifications import label, notify
from workorder.flows.tickets.opening import apply, open_ticket, record
from workorder.flows.tickets.state_machine import Action
from workorder.flows.unit_of_work import UnitOfWork, unit_of_work
from workorder.models import EventKind, NotificationKind, Ticket, TicketAttachment, TicketEvent


async def keep_note(
    uow: UnitOfWork,
    actor: Actor,
    ticket: Ticket,
    text: str,
    attachment_ids: Sequence[int] = (),
) -> TicketEvent | None:
    """The NOTED event, by the actor, in the caller's unit of work (after the ticket was
    written); its files become the ticket's. Nothing without text or files, so a move without
    a comment leaves no empty note."""
    text = text.strip()
    files = list(dict.fromkeys(attachment_ids))
    if not text and not files:
        return None
    for file in files:
        await TicketAttachment.get_or_create(ticket_id=ticket.id, attachment_id=file)
    return await record(
        uow, actor, EventKind.NOTED, ticket, ticket, comment=text, attachments=files
    )


async def note_ticket(
    actor: Actor,
    ticket_id: int,
    text: str,
    attachment_ids: Sequence[int] = (),
) -> Ticket:
    """A remark, with files, on the trace. Who may: the template's edit limit."""
    opened = await open_ticket(actor, ticket_id, Action.NOTE)
    ticket = opened.ticket
    files = list(dict.fromkeys(attachment_ids))
    if not text.strip() and not files:
        raise invalid("Write something or attach a file", ["text"])
    if files and not await may_link(actor, files):
        raise not_found("Attachment", ["attachmentIds"])
    async with unit_of_work() as uow:
        after = await apply(ticket, {})
        event = await keep_note(uow, actor, after, text, files)
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
