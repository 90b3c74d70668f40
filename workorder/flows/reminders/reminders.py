"""A user's reminders on tickets (seed 003 calendar/reminders): a time and a note; at that time
a push and a mail to the user who set it (`flows.reminders.firing`).

A reminder is its owner's alone: only they list and cancel it, and nobody else learns it
exists (someone else's id is NOT_FOUND). It may be set on a ticket the owner may see, for a
moment still ahead; whether they may still see the ticket is asked again when it fires.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.queryset import QuerySet

from workorder.auth.actor import Actor
from workorder.auth.visibility import visible_ticket
from workorder.clock import now
from workorder.errors import conflict, invalid, not_found
from workorder.models import Reminder, ReminderState

NOTE_MAX = 2000  # characters
MAX_AHEAD = timedelta(days=5 * 366)  # further away is a typo, not a plan
MAX_PENDING = 1000  # per user: a calendar, not a bulk mailer


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def set_reminder(actor: Actor, ticket_id: int, at: datetime, note: str) -> Reminder:
    """A new reminder for the caller; INVALID (nothing stored) for a moment not ahead, a
    note too long, or too many reminders waiting; NOT_FOUND for a ticket they may not see."""
    at = _utc(at)
    moment = now()
    if at <= moment:
        raise invalid("A reminder must be set for a moment still ahead", ["at"])
    if at > moment + MAX_AHEAD:
        raise invalid("A reminder may be set at most five years ahead", ["at"])
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise invalid(f"A note has at most {NOTE_MAX} characters", ["note"])
    ticket = await visible_ticket(actor, ticket_id)
    waiting = await Reminder.filter(user_id=actor.user_id, state=ReminderState.PENDING).count()
    if waiting >= MAX_PENDING:
        raise invalid(f"At most {MAX_PENDING} reminders may wait at a time", ["at"])
    return await Reminder.create(
        tenant_id=actor.tenant_id,
        user_id=actor.user_id,
        ticket_id=ticket.id,
        remind_at=at,
        note=note,
    )


def my_reminders(actor: Actor, *, settled: bool = False) -> QuerySet[Reminder]:
    """The caller's reminders still waiting; with `settled`, also those fired, skipped or
    cancelled."""
    query = Reminder.filter(tenant_id=actor.tenant_id, user_id=actor.user_id)
    if not settled:
        query = query.filter(state=ReminderState.PENDING)
    return query


async def cancel_reminder(actor: Actor, reminder_id: int) -> Reminder:
    """CANCELLED while it waits; CONFLICT once it has fired (or was cancelled already)."""
    reminder = await my_reminders(actor, settled=True).filter(id=reminder_id).first()
    if reminder is None:
        raise not_found("Reminder", ["id"])
    moment = now()
    stopped = await Reminder.filter(id=reminder.id, state=ReminderState.PENDING).update(
        state=ReminderState.CANCELLED, settled_at=moment
    )
    if not stopped:
        current = await Reminder.get(id=reminder.id)
        raise conflict(f"The reminder is settled already ({current.state})", ["id"])
    reminder.state, reminder.settled_at = ReminderState.CANCELLED, moment
    return reminder
