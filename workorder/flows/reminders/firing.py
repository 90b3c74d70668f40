"""Firing reminders: a periodic scan every server process runs, as the SLA scheduler does.

The rows are the schedule, so nothing is lost across restarts: a reminder due while every
server was down fires at the next scan. Each due reminder is claimed with one conditional
UPDATE (`… SET state = SENT WHERE id = ? AND state = 'PENDING'`) whose row count decides
which scanner tells, on SQLite and PostgreSQL alike: exactly once however many servers scan.
The push (a REMINDER notification, so the live feed delivers it) and the mail (the outbox)
are written in the claiming transaction; the push leaves after it commits.

Whether the owner may still see the ticket is asked at that moment, with their reach as it
stands then: if not (or the owner was deactivated, or the ticket deleted), the reminder is
SKIPPED and nobody is told anything about the ticket.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from workorder.auth.actor import Actor
from workorder.auth.visibility import look_up_reach, visible_tickets
from workorder.flows.mailing.templates import mail_language
from workorder.flows.schedules.periodic import run_every
from workorder.flows.tickets.notifications import label, notify
from workorder.flows.unit_of_work import Bus, unit_of_work
from workorder.mail.links import ticket_link
from workorder.mail.outbox import enqueue
from workorder.models import (
    MailLanguage,
    NotificationKind,
    Reminder,
    ReminderState,
    Ticket,
    User,
)

log = logging.getLogger(__name__)

BATCH = 200  # due reminders read per scan; each is claimed in its own short transaction

_WORDING = {
    MailLanguage.EN: ("Reminder: {label}", "Your reminder on ticket {label}:\n\n{note}\n\n{link}"),
    MailLanguage.ZH_CN: ("提醒:{label}", "您在工单 {label} 上设置的提醒:\n\n{note}\n\n{link}"),
}


async def _still_sees(user: User | None, ticket_id: int) -> bool:
    if user is None or not user.active:
        return False
    actor = Actor.of(user)
    reach = await look_up_reach(actor)
    return await (await visible_tickets(actor, reach)).filter(id=ticket_id).exists()


async def _fire(reminder_id: int, at: datetime) -> bool:
    """Claim one due reminder and, if this caller won, tell its owner (or skip it)."""
    async with unit_of_work() as uow:
        reminder = await Reminder.get(id=reminder_id)
        user = await User.get_or_none(id=reminder.user_id)
        seen = await _still_sees(user, reminder.ticket_id)
        state = ReminderState.SENT if seen else ReminderState.SKIPPED
        won = await Reminder.filter(
            id=reminder_id, state=ReminderState.PENDING, remind_at__lte=at
        ).update(state=state, settled_at=at)
        if won != 1:
            return False
        if not seen or user is None:
            return True
        ticket = await Ticket.get(id=reminder.ticket_id)
        message = f"Reminder: {label(ticket)}" + (f" — {reminder.note}" if reminder.note else "")
        await notify(uow, ticket, None, NotificationKind.REMINDER, [user.id], message)
        if user.email:
            subject, body = _WORDING[await mail_language(ticket.tenant_id)]
            values = {
                "label": label(ticket),
                "note": reminder.note,
                "link": ticket_link(ticket.number),
            }
            await enqueue(
                [user.email],
                subject.format(**values),
                body.format(**values),
                tenant_id=ticket.tenant_id,
                ticket_id=ticket.id,
            )
    return True


async def fire_due_reminders(at: datetime) -> int:
    """Settle every reminder of every tenant due at `at`; returns how many this caller
    settled (another scanner running at the same time settles the others)."""
    settled = 0
    last = 0
    while True:
        ids: list[int] = await (
            Reminder.filter(state=ReminderState.PENDING, remind_at__lte=at, id__gt=last)
            .order_by("id")
            .limit(BATCH)
            .values_list("id", flat=True)
        )  # type: ignore[assignment]
        for reminder_id in ids:
            settled += await _fire(reminder_id, at)
        if len(ids) < BATCH:
            return settled
        last = ids[-1]


async def run_reminder_scheduler(bus: Bus | None, interval: float, stop: asyncio.Event) -> None:
    """Every `interval` seconds until `stop` is set (`flows.schedules.periodic`)."""
    await run_every(interval, stop, bus, fire_due_reminders, "reminders settled")
