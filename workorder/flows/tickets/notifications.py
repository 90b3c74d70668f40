"""Notifications: those the ticket actions write (and the status mail), and a user's read state."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from workorder.auth.actor import Actor
from workorder.clock import now
from workorder.flows.templates.config import TemplateConfig
from workorder.flows.unit_of_work import UnitOfWork, unit_of_work
from workorder.mail.outbox import enqueue
from workorder.models import Notification, NotificationKind, Status, Ticket, TicketEvent
from workorder.subscriptions.messages import NotificationCreated, NotificationsRead


async def mark_read(actor: Actor, ids: Sequence[int] | None = None) -> int:
    """Mark the caller's notifications read (all when no ids); returns how many changed.
    The caller's other sockets hear of it (their unread badge)."""
    query = Notification.filter(tenant_id=actor.tenant_id, recipient_id=actor.user_id, read_at=None)
    if ids is not None:
        query = query.filter(id__in=list(ids))
    async with unit_of_work() as uow:
        changed = await query.update(read_at=now())
        if changed:
            uow.publish(NotificationsRead(actor.user_id, changed))
    return changed


async def unread_count(actor: Actor) -> int:
    return await Notification.filter(
        tenant_id=actor.tenant_id, recipient_id=actor.user_id, read_at=None
    ).count()


async def notify(
    uow: UnitOfWork,
    ticket: Ticket,
    event: TicketEvent | None,
    kind: NotificationKind,
    recipients: Iterable[int],
    message: str,
    *,
    skip: int | None = None,
    details: dict[str, str] | None = None,
) -> list[Notification]:
    """A stored notification per recipient (never the one who acted), pushed after commit.
    `event` is None for what no action caused (an SLA breach); `details` go into the push."""
    made = []
    for user_id in dict.fromkeys(recipients):
        if user_id == skip:
            continue
        row = await Notification.create(
            tenant_id=ticket.tenant_id,
            recipient_id=user_id,
            kind=kind,
            ticket_id=ticket.id,
            event_id=event.id if event else None,
            message=message,
        )
        made.append(row)
        uow.publish(NotificationCreated.of(row, details))
    return made


def label(ticket: Ticket) -> str:
    return f"#{ticket.number} {ticket.title}"


async def status_mail(ticket: Ticket, config: TemplateConfig, old: Status | None) -> None:
    """CC and the template's default CC hear of every status change."""
    if old == ticket.status:
        return
    recipients = [*ticket.cc, *config.default_cc]
    before = f" (was {old})" if old else ""
    await enqueue(
        recipients,
        f"[{label(ticket)}] is now {ticket.status}",
        f"Work order {label(ticket)} is now {ticket.status}{before}.\n",
        tenant_id=ticket.tenant_id,
        ticket_id=ticket.id,
    )
