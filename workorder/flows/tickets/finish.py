"""Finishing a ticket (a close, or a forward from the last step): DONE, the satisfaction
survey when the template asks for it, and the end action."""

from __future__ import annotations

import secrets
from typing import Any

from workorder.auth.actor import Actor
from workorder.auth.tokens import secret_hash
from workorder.clock import now
from workorder.flows.templates.config import EndAction
from workorder.flows.tickets.notes import keep_note
from workorder.flows.tickets.notifications import label, notify
from workorder.flows.tickets.opening import Opened, apply, record
from workorder.flows.unit_of_work import unit_of_work
from workorder.mail.outbox import enqueue
from workorder.models import (
    Contact,
    Customer,
    EventKind,
    NotificationKind,
    Status,
    SurveyInvitation,
    Ticket,
    TicketCandidate,
    TicketFollower,
)

SURVEY_PREFIX = "sv_"


async def _invite(ticket: Ticket, public_url: str | None) -> str:
    """A one-time token; the customer (or contact) gets it by mail when we know an address."""
    token = SURVEY_PREFIX + secrets.token_urlsafe(24)
    email = None
    if ticket.contact_id is not None:
        email = (await Contact.get(id=ticket.contact_id)).email
    if email is None and ticket.customer_id is not None:
        email = (await Customer.get(id=ticket.customer_id)).email
    await SurveyInvitation.create(
        tenant_id=ticket.tenant_id, ticket_id=ticket.id, token_hash=secret_hash(token), email=email
    )
    if email:
        link = f"{(public_url or '').rstrip('/')}/survey?token={token}"
        await enqueue(
            [email],
            f"How did we do? {label(ticket)}",
            f"Your request {label(ticket)} is done.\nPlease rate our service (1 to 5): {link}\n",
            tenant_id=ticket.tenant_id,
            ticket_id=ticket.id,
        )
    return token


async def finish(
    actor: Actor,
    opened: Opened,
    kind: EventKind,
    changes: dict[str, Any],
    *,
    comment: str = "",
    create_follow_up: bool | None = None,
    public_url: str | None = None,
) -> Ticket:
    ticket, config = opened.ticket, opened.config
    follow_up = config.end_action == EndAction.CREATE_NEW or (
        config.end_action == EndAction.AGENT_DECIDES and bool(create_follow_up)
    )
    async with unit_of_work() as uow:
        after = await apply(
            ticket,
            {**changes, "status": Status.DONE, "done_at": now(), "claim_mode": None},
        )
        await TicketCandidate.filter(ticket_id=ticket.id).delete()
        data: dict[str, Any] = {}
        if config.survey_on_close:
            await _invite(after, public_url)
            data["survey"] = True
        event = await record(uow, actor, kind, ticket, after, comment=comment, data=data)
        await keep_note(uow, actor, after, comment)
        followers = [f.user_id for f in await TicketFollower.filter(ticket_id=ticket.id)]
        await notify(
            uow,
            after,
            event,
            NotificationKind.CLOSED,
            [ticket.creator_id, *followers],
            f"Done: {label(after)}",
            skip=actor.user_id,
        )
        if follow_up:
            await _follow_up(actor, after, config.follow_up_template_id)
    return after


async def _follow_up(actor: Actor, done: Ticket, template_id: int | None) -> None:
    """End action CREATE_NEW: a new ticket for the same customer, kept as NEW by the closer
    (a draft: its own required fields are demanded when it is submitted). It joins the
    closing transaction, so its pushes leave with the close's."""
    from workorder.flows.tickets.create import NewTicket, create_ticket
    from workorder.models import Source, Template

    follow_template = await Template.filter(
        id=template_id or done.template_id, tenant_id=done.tenant_id
    ).first()
    if follow_template is None or not follow_template.active:
        # Archiving a template stops new tickets of it, not the closing of old ones.
        return
    await create_ticket(
        actor,
        NewTicket(
            template_id=template_id or done.template_id,
            title=f"Follow-up: {done.title}"[:300],
            description=f"Follow-up of #{done.number}.",
            # Whoever may close the ticket may open its follow-up: a missed call's follow-up
            # is a call back, not another missed call.
            source=Source.PHONE if done.source == Source.MISSED_CALL else done.source,
            customer_id=done.customer_id,
            contact_id=done.contact_id,
            follow_up_of_id=done.id,
            submit=False,
        ),
    )
