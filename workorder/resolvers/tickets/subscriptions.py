"""Subscription resolvers of tickets, notifications and queues: decode arguments, run a
stream from `flows/live/`, and map each item to its GraphQL type with fresh loaders — or,
for a push, hand it to `fanout.Live`, which renders it once for every socket alike.

A feed's cursor is opaque to clients: the stream's `Position` (the floor and the ids sent
above it), base64url. `after` takes a cursor or, as before, the global id of a row."""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncGenerator
from functools import partial
from typing import Annotated

import strawberry

from workorder.errors import invalid
from workorder.flows.live.notifications import notification_stream, unread_count_stream
from workorder.flows.live.queues import queue_stream
from workorder.flows.live.socket import MAX_SENT, Position
from workorder.flows.live.tickets import ticket_event_stream
from workorder.ids import MAX_PK, pk_of
from workorder.models import Notification, TicketEvent
from workorder.resolvers.arguments import decode_id
from workorder.resolvers.fanout import CURSOR, Live, written
from workorder.schema.context import Info
from workorder.schema.tickets.queues import NotificationFeedItem, QueueCountType, TicketFeedItem
from workorder.schema.tickets.types import NotificationType, TicketEventType

_CURSOR = "Feed:"
After = Annotated[
    str | None,
    strawberry.argument(
        description="Resume: the last `cursor` you got from this feed (or the id of the last "
        "row you saw). Left out: from now on."
    ),
]


def cursor_of(position: Position) -> str:
    text = _CURSOR + ",".join(str(i) for i in (position.floor, *position.sent))
    return base64.urlsafe_b64encode(text.encode()).decode()


def position_of(after: str | None, type_name: str) -> Position | None:
    """A feed's cursor or a row's global id; anything else is a clear INVALID error."""
    if after is None:
        return None
    pk = pk_of(after, type_name)
    if pk is not None:
        return Position(pk)
    try:
        raw = base64.urlsafe_b64decode(after.encode() + b"=" * (-len(after) % 4)).decode()
        if not raw.startswith(_CURSOR):
            raise ValueError(raw)
        ids = [int(part) for part in raw.removeprefix(_CURSOR).split(",")]
    except (binascii.Error, UnicodeError, ValueError):
        raise invalid(f"Not a cursor of this feed or a {type_name} id", ["after"]) from None
    if len(ids) > MAX_SENT + 1 or not all(0 <= i <= MAX_PK for i in ids):
        raise invalid(f"Not a cursor of this feed or a {type_name} id", ["after"])
    return Position(ids[0], tuple(i for i in ids[1:] if i > ids[0]))


async def notifications(
    info: Info,
    after: Annotated[
        strawberry.ID | None,
        strawberry.argument(
            description="Resume: the id of the last notification you saw; left out: from now on."
        ),
    ] = None,
) -> AsyncGenerator[NotificationType, None]:
    actor = info.context.require_actor()
    position = None if after is None else Position(decode_id(after, "Notification", ["after"]))
    live = Live.of(info)
    async for row, _, push in notification_stream(actor, info.context.broker, position):
        if row is None:
            continue
        if not await written(live, info, push, partial(NotificationType.of, row)):
            yield NotificationType.of(row)


async def notification_feed(
    info: Info, after: After = None
) -> AsyncGenerator[NotificationFeedItem, None]:
    actor = info.context.require_actor()
    position = position_of(after, "Notification")
    live = Live.of(info)
    async for row, now, push in notification_stream(actor, info.context.broker, position):
        pushed = None if row is None else push
        shared = partial(_notification_item, row, CURSOR)
        if not await written(live, info, pushed, shared, cursor_of(now)):
            yield _notification_item(row, cursor_of(now))


def _notification_item(row: Notification | None, cursor: str) -> NotificationFeedItem:
    return NotificationFeedItem(
        ready=row is None,
        cursor=cursor,
        notification=None if row is None else NotificationType.of(row),
    )


async def unread_notification_count(info: Info) -> AsyncGenerator[int, None]:
    actor = info.context.require_actor()
    async for count in unread_count_stream(actor, info.context.broker):
        yield count


async def ticket_changed(
    info: Info,
    id: Annotated[
        strawberry.ID,
        strawberry.argument(description="The ticket's global id; NOT_FOUND unless you may see it."),
    ],
) -> AsyncGenerator[TicketEventType, None]:
    actor = info.context.require_actor()
    ticket_id = decode_id(id, "Ticket", ["id"])
    live = Live.of(info)
    async for event, _, push in ticket_event_stream(actor, info.context.broker, ticket_id):
        if event is None:
            continue
        if not await written(live, info, push, partial(TicketEventType.of, event)):
            yield TicketEventType.of(event)


async def ticket_feed(
    info: Info,
    id: Annotated[
        strawberry.ID,
        strawberry.argument(description="The ticket's global id; NOT_FOUND unless you may see it."),
    ],
    after: After = None,
) -> AsyncGenerator[TicketFeedItem, None]:
    actor = info.context.require_actor()
    ticket_id = decode_id(id, "Ticket", ["id"])
    position = position_of(after, "TicketEvent")
    live = Live.of(info)
    stream = ticket_event_stream(actor, info.context.broker, ticket_id, position)
    async for event, now, push in stream:
        pushed = None if event is None else push
        shared = partial(_event_item, event, CURSOR)
        if not await written(live, info, pushed, shared, cursor_of(now)):
            yield _event_item(event, cursor_of(now))


def _event_item(event: TicketEvent | None, cursor: str) -> TicketFeedItem:
    return TicketFeedItem(
        ready=event is None,
        cursor=cursor,
        event=None if event is None else TicketEventType.of(event),
    )


async def queue_changed(
    info: Info,
    group_id: Annotated[
        strawberry.ID,
        strawberry.argument(description="The group; you must be a member or a supervisor of it."),
    ],
) -> AsyncGenerator[QueueCountType, None]:
    actor = info.context.require_actor()
    group = decode_id(group_id, "Group", ["groupId"])
    async for count in queue_stream(actor, info.context.broker, group):
        info.context.fresh()
        yield QueueCountType.of(count)
