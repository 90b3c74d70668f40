"""Locking and unlocking a ticket (seed 003): thin calls into flows/tickets/locking."""

from __future__ import annotations

from typing import Annotated

import strawberry

from workorder.flows.tickets import locking
from workorder.resolvers.tickets.tickets import _ticket_id, _ticket_mutation
from workorder.schema.context import Info
from workorder.schema.tickets.inputs import LockTicketInput, UnlockTicketInput
from workorder.schema.tickets.payloads import LockTicketPayload, UnlockTicketPayload


async def lock_ticket(
    info: Info,
    input: Annotated[
        LockTicketInput, strawberry.argument(description="The ticket and an optional comment.")
    ],
) -> LockTicketPayload:
    return await _ticket_mutation(
        info,
        LockTicketPayload,
        lambda actor: locking.lock_ticket(actor, _ticket_id(input.id), input.comment),
    )


async def unlock_ticket(
    info: Info,
    input: Annotated[
        UnlockTicketInput, strawberry.argument(description="The ticket and an optional comment.")
    ],
) -> UnlockTicketPayload:
    return await _ticket_mutation(
        info,
        UnlockTicketPayload,
        lambda actor: locking.unlock_ticket(actor, _ticket_id(input.id), input.comment),
    )
