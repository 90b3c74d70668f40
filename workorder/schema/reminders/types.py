"""GraphQL types of reminders: a time and a note on a ticket, for the user who set them."""

from __future__ import annotations

from datetime import datetime

import strawberry

from workorder.models import Reminder, ReminderState
from workorder.schema.context import Info
from workorder.schema.describe import described_enum
from workorder.schema.errors import UserError
from workorder.schema.node import Node, to_global_id
from workorder.schema.pagination import Connection
from workorder.schema.tickets.types import TicketType

ReminderStateEnum = strawberry.enum(
    ReminderState,
    name="ReminderState",
    description="Where a reminder stands.",
)
described_enum(
    ReminderStateEnum,
    {
        ReminderState.PENDING: "Waiting for its time.",
        ReminderState.SENT: "Fired: you got a notification (REMINDER) and a mail.",
        ReminderState.SKIPPED: "Due, but by then you could no longer see the ticket (or your "
        "account was deactivated): nothing was sent.",
        ReminderState.CANCELLED: "You cancelled it before its time.",
    },
)


@strawberry.type(
    name="Reminder",
    description="A reminder you set on a ticket: at `at` you get a notification and a mail. "
    "Yours alone: nobody else sees it.",
)
class ReminderType(Node):
    model: strawberry.Private[Reminder]
    at: datetime = strawberry.field(description="When it fires (UTC).")
    note: str = strawberry.field(description="What to remind you of; may be empty.")
    state: ReminderStateEnum = strawberry.field(  # type: ignore[valid-type]
        description="Waiting, fired, skipped (the ticket out of your sight by then) or cancelled."
    )
    settled_at: datetime | None = strawberry.field(
        description="When it fired, was skipped or was cancelled; null while it waits."
    )
    created_at: datetime = strawberry.field(description="When you set it.")

    @classmethod
    def of(cls, row: Reminder) -> ReminderType:
        return cls(
            id=to_global_id("Reminder", row.id),
            model=row,
            at=row.remind_at,
            note=row.note,
            state=row.state,
            settled_at=row.settled_at,
            created_at=row.created_at,
        )

    @strawberry.field(description="The ticket, while you may still see it.")
    async def ticket(self, info: Info) -> TicketType | None:
        found = await info.context.visible_tickets.load(self.model.ticket_id)
        return TicketType.of(found, info.context) if found else None


@strawberry.type(
    name="ReminderConnection", description="A page of your reminders, the next one due first."
)
class ReminderConnection(Connection[ReminderType]):
    pass


@strawberry.input(description="A reminder on a ticket you may see, for a moment still ahead.")
class SetReminderInput:
    ticket_id: strawberry.ID = strawberry.field(
        description="The ticket; NOT_FOUND if you may not see it."
    )
    at: datetime = strawberry.field(
        description="When to remind you: after now (else INVALID, nothing stored) and at most "
        "five years ahead. Without an offset it is read as UTC."
    )
    note: str = strawberry.field(
        default="", description="What to remind you of, up to 2000 characters."
    )


@strawberry.input(description="Cancels one of your reminders while it waits.")
class CancelReminderInput:
    id: strawberry.ID = strawberry.field(
        description="The reminder; CONFLICT once it has fired or was cancelled."
    )


@strawberry.type(description="The result of setReminder.")
class SetReminderPayload:
    reminder: ReminderType | None = strawberry.field(
        default=None, description="The reminder as stored; null when errors."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was stored; empty on success."
    )


@strawberry.type(description="The result of cancelReminder.")
class CancelReminderPayload:
    reminder: ReminderType | None = strawberry.field(
        default=None, description="The reminder, now CANCELLED; null when errors."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )
