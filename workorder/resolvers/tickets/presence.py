"""Presence resolvers: decode the ticket id, run the flow of `flows/live/presence`."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from workorder.flows.live.presence import set_editing, viewer_stream
from workorder.resolvers.arguments import decode_id
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.tickets.presence import (
    SetTicketEditingInput,
    SetTicketEditingPayload,
    TicketViewersType,
)


async def ticket_viewers(
    info: Info,
    ticket_id: Annotated[
        strawberry.ID, strawberry.argument(description="The ticket you open (you must see it).")
    ],
    editing: Annotated[
        bool,
        strawberry.argument(
            description="Whether you are editing it from the start (change it later with "
            "`setTicketEditing`)."
        ),
    ] = False,
) -> AsyncGenerator[TicketViewersType, None]:
    actor = info.context.require_actor()
    pk = decode_id(ticket_id, "Ticket", ["ticketId"])
    async for viewers in viewer_stream(actor, info.context.broker, pk, editing):
        yield TicketViewersType.of(pk, viewers)


async def set_ticket_editing(
    info: Info,
    input: Annotated[
        SetTicketEditingInput,
        strawberry.argument(description="The ticket you have open and whether you are editing it."),
    ],
) -> SetTicketEditingPayload:
    actor = info.context.require_actor()

    async def action() -> bool:
        pk = decode_id(input.ticket_id, "Ticket", ["ticketId"])
        await set_editing(actor, info.context.broker, pk, input.editing)
        return input.editing

    return await mutate(
        SetTicketEditingPayload, action, lambda editing: SetTicketEditingPayload(editing=editing)
    )
