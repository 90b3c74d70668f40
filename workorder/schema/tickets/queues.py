"""Small types only subscriptions send: a queue's counts, and the items of the feeds (a first
"ready" item, then each row with the cursor to resume after it)."""

from __future__ import annotations

import strawberry

from workorder.flows.live.queues import QueueCount
from workorder.schema.context import Info
from workorder.schema.node import to_global_id
from workorder.schema.org.types import GroupType
from workorder.schema.tickets.types import NotificationType, TicketEventType, TicketType


@strawberry.type(name="QueueCount", description="A group's waiting tickets.")
class QueueCountType:
    group_id: strawberry.ID = strawberry.field(description="The group's global id.")
    pending: int = strawberry.field(description="Its PENDING tickets, assigned or not.")
    unassigned: int = strawberry.field(description="Waiting with nobody assigned.")
    group_pk: strawberry.Private[int]
    ticket_pk: strawberry.Private[int | None] = None

    @classmethod
    def of(cls, count: QueueCount) -> QueueCountType:
        return cls(
            group_id=to_global_id("Group", count.group_id),
            pending=count.pending,
            unassigned=count.unassigned,
            group_pk=count.group_id,
            ticket_pk=count.ticket_id,
        )

    @strawberry.field(description="The group; null if it was deleted meanwhile.")
    async def group(self, info: Info) -> GroupType | None:
        group = await info.context.org.group.load(self.group_pk)
        return GroupType.of(group) if group else None

    @strawberry.field(
        description="The ticket whose entering or leaving the queue changed these counts, "
        "while you may see it. Null on the first count, after a catch-up, and when several "
        "tickets moved at once."
    )
    async def ticket(self, info: Info) -> TicketType | None:
        if self.ticket_pk is None:
            return None
        found = await info.context.visible_tickets.load(self.ticket_pk)
        return TicketType.of(found, info.context) if found else None


READY = (
    "True on the first item only, which carries nothing else: the stream is subscribed, and "
    "whatever commits from now on reaches you. Act (or stop waiting) once you have it."
)
CURSOR = (
    "Where the stream stands after this item (the ready item's too): keep the last one you "
    "got and pass it as `after` when you reconnect, to get exactly what you missed."
)


@strawberry.type(
    description="One item of `notificationFeed`: first a ready item, then one per notification."
)
class NotificationFeedItem:
    ready: bool = strawberry.field(description=READY)
    cursor: str = strawberry.field(description=CURSOR)
    notification: NotificationType | None = strawberry.field(
        description="The notification; null on the ready item."
    )


@strawberry.type(
    description="One item of `ticketFeed`: first a ready item, then one per event of the ticket."
)
class TicketFeedItem:
    ready: bool = strawberry.field(description=READY)
    cursor: str = strawberry.field(description=CURSOR)
    event: TicketEventType | None = strawberry.field(
        description="The event (it names its ticket); null on the ready item."
    )
