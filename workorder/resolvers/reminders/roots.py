"""Root fields of reminders (each user's own)."""

from __future__ import annotations

import strawberry

from workorder.resolvers.reminders import reminders
from workorder.schema.permissions import authenticated
from workorder.schema.reminders.types import (
    CancelReminderPayload,
    ReminderConnection,
    SetReminderPayload,
)


@strawberry.type
class ReminderQuery:
    my_reminders: ReminderConnection = strawberry.field(
        resolver=reminders.my_reminders,
        extensions=authenticated(),
        description="Your reminders, the next one due first (by time, then as set).",
    )


@strawberry.type
class ReminderMutation:
    set_reminder: SetReminderPayload = strawberry.mutation(
        resolver=reminders.set_reminder,
        extensions=authenticated(),
        description="Remind yourself of a ticket you may see: at that time a notification "
        "(REMINDER) and a mail, if you may still see the ticket then.",
    )
    cancel_reminder: CancelReminderPayload = strawberry.mutation(
        resolver=reminders.cancel_reminder,
        extensions=authenticated(),
        description="Cancel one of your reminders while it waits.",
    )
