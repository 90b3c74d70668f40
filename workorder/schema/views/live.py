"""What the live list subscriptions send: a change of a watched list, and the menu badges."""

from __future__ import annotations

from enum import Enum

import strawberry

from workorder.flows.live.lists import ListChange
from workorder.schema.context import Info
from workorder.schema.node import to_global_id
from workorder.schema.tickets.queues import READY
from workorder.schema.tickets.types import TicketType


@strawberry.enum(
    name="TicketListChangeKind", description="How a ticket's place in a list you watch changed."
)
class TicketListChangeKind(Enum):
    ENTERED = strawberry.enum_value(
        "ENTERED",
        description="It is in the list now and this stream had not named it before: add it "
        "(or update it, if your page already shows it).",
    )
    CHANGED = strawberry.enum_value(
        "CHANGED", description="It was and still is in the list, and changed: update it."
    )
    LEFT = strawberry.enum_value(
        "LEFT",
        description="It is no longer in the list (or no longer yours to see): remove it. Only "
        "the id is given.",
    )
    RELOAD = strawberry.enum_value(
        "RELOAD",
        description="Changes may have been missed (the server lost pushes): query the list "
        "again. No ticket is named.",
    )


@strawberry.type(
    name="TicketListChange",
    description="One change of a list you watch with `ticketListChanged`.",
)
class TicketListChangeType:
    ready: bool = strawberry.field(description=READY)
    kind: TicketListChangeKind | None = strawberry.field(
        description="What happened; null on the ready item."
    )
    ticket_id: strawberry.ID | None = strawberry.field(
        description="The ticket it happened to; null on the ready item and on RELOAD."
    )
    ticket_pk: strawberry.Private[int | None] = None

    @classmethod
    def of(cls, change: ListChange) -> TicketListChangeType:
        pk = change.ticket_id
        return cls(
            ready=change.kind is None,
            kind=None if change.kind is None else TicketListChangeKind(change.kind.value),
            ticket_id=None if pk is None else to_global_id("Ticket", pk),
            ticket_pk=pk,
        )

    @strawberry.field(
        description="The ticket as it is now, while you may see it (null on LEFT, and for a "
        "ticket you may no longer see)."
    )
    async def ticket(self, info: Info) -> TicketType | None:
        if self.ticket_pk is None or self.kind is TicketListChangeKind.LEFT:
            return None
        found = await info.context.visible_tickets.load(self.ticket_pk)
        return TicketType.of(found, info.context) if found else None
