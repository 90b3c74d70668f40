"""Subscription resolvers of tickets, notifications and queues: decode arguments, run a
stream from `flows/live/`, and map each item to its GraphQL type with fresh loaders."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from workorder.flows.live.notifications import notification_stream, unread_count_stream
from workorder.flows.live.queues import queue_stream
from workorder.flows.live.tickets import ticket_event_stream
from workorder.resolvers.arguments import decode_id
from workorder.schema.context import Info
from workorder.schema.tickets.queues import QueueCountType
from workorder.schema.tickets.types import NotificationType, TicketEventType


async def notifications(
    info: Info, after: strawberry.ID | None = None
) -> AsyncGenerator[NotificationType, None]:
    actor = info.context.require_actor()
    after_pk = None if after is None else decode_id(after, "Notification", ["after"])
    async for row in notification_stream(actor, info.context.broker, after_pk):
        info.context.fresh()
        yield NotificationType.of(row)


async def unread_notification_count(info: Info) -> AsyncGenerator[int, None]:
    actor = info.context.require_actor()
    async for count in unread_count_stream(actor, info.context.broker):
        yield count


async def ticket_changed(info: Info, id: strawberry.ID) -> AsyncGenerator[TicketEventType, None]:
    actor = info.context.require_actor()
    ticket_id = decode_id(id, "Ticket", ["id"])
    async for event in ticket_event_stream(actor, info.context.broker, ticket_id):
        info.context.fresh()
        yield TicketEventType.of(event)


async def queue_changed(
    info: Info, group_id: strawberry.ID
) -> AsyncGenerator[QueueCountType, None]:
    actor = info.context.require_actor()
    group = decode_id(group_id, "Group", ["groupId"])
    async for count in queue_stream(actor, info.context.broker, group):
        info.context.fresh()
        yield QueueCountType.of(count)
