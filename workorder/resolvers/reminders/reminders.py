"""Reminders: a thin translation to workorder.flows.reminders."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from workorder.flows.reminders import reminders
from workorder.models import Reminder
from workorder.resolvers.arguments import decode_id
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.pagination import AfterArg, BeforeArg, FirstArg, LastArg, paginate
from workorder.schema.reminders.types import (
    CancelReminderInput,
    CancelReminderPayload,
    ReminderConnection,
    ReminderType,
    SetReminderInput,
    SetReminderPayload,
)


def _moment(value: Any) -> datetime:
    """A cursor's time, as `encode_cursor` wrote it (aware ISO text)."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment


async def my_reminders(
    info: Info,
    first: FirstArg = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
    settled: Annotated[
        bool | None,
        strawberry.argument(
            description="True: also those that fired, were skipped or cancelled; false or "
            "left out: only those still waiting."
        ),
    ] = False,
) -> ReminderConnection:
    actor = info.context.require_actor()
    return await paginate(
        reminders.my_reminders(actor, settled=bool(settled)),
        ReminderType.of,
        ReminderConnection,
        first=first,
        after=after,
        last=last,
        before=before,
        key="remind_at",
        parse_key=_moment,
    )


async def set_reminder(
    info: Info,
    input: Annotated[
        SetReminderInput, strawberry.argument(description="The ticket, the time and the note.")
    ],
) -> SetReminderPayload:
    actor = info.context.require_actor()

    async def action() -> Reminder:
        ticket_id = decode_id(input.ticket_id, "Ticket", ["ticketId"])
        return await reminders.set_reminder(actor, ticket_id, input.at, input.note)

    return await mutate(
        SetReminderPayload, action, lambda r: SetReminderPayload(reminder=ReminderType.of(r))
    )


async def cancel_reminder(
    info: Info,
    input: Annotated[
        CancelReminderInput, strawberry.argument(description="The reminder to cancel.")
    ],
) -> CancelReminderPayload:
    actor = info.context.require_actor()

    async def action() -> Reminder:
        return await reminders.cancel_reminder(actor, decode_id(input.id, "Reminder", ["id"]))

    return await mutate(
        CancelReminderPayload,
        action,
        lambda r: CancelReminderPayload(reminder=ReminderType.of(r)),
    )
