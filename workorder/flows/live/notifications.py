"""A user's notifications as they arrive, and the unread badge."""

from __future__ import annotations

from collections.abc import AsyncIterator

from workorder.auth.actor import Actor
from workorder.errors import ErrorCode, FlowError
from workorder.flows.live.socket import POLL, Position, Seen, listening, open_stream, still_active
from workorder.models import Notification
from workorder.subscriptions.broker import Broker
from workorder.subscriptions.channels import user_channel


async def notification_stream(
    actor: Actor, broker: Broker, after: Position | None, poll: float | None = POLL
) -> AsyncIterator[tuple[Notification | None, Position]]:
    """Replay what came after `after` (when given), then live — gap-free, no duplicates.

    The first item carries no row: it says the stream is subscribed (whatever commits from
    now on reaches it) and where it stands, so a user with no notifications yet can resume
    too. Every row comes with the position after it."""
    await open_stream(actor)
    mine = Notification.filter(tenant_id=actor.tenant_id, recipient_id=actor.user_id)
    if after is not None and after.floor and not await mine.filter(id=after.floor).exists():
        raise FlowError(ErrorCode.NOT_FOUND, "Unknown notification id", ["after"])
    async with broker.subscribe(listening(actor, user_channel(actor.user_id))) as subscriber:
        if after is None:
            newest = await mine.order_by("-id").first()
            seen = Seen(newest.id if newest else 0)
        else:
            seen = Seen.resume(after)
        yield None, seen.position()
        while True:
            for row in await mine.filter(id__gt=seen.floor).order_by("id"):
                if seen.first_time(row.id, row.created_at):
                    yield row, seen.position()
            seen.settle()
            await subscriber.get(poll)
            if not await still_active(actor):
                return


async def unread_count_stream(
    actor: Actor, broker: Broker, poll: float | None = POLL
) -> AsyncIterator[int]:
    """The badge: the count now, then whenever it may have changed."""
    await open_stream(actor)
    unread = Notification.filter(
        tenant_id=actor.tenant_id, recipient_id=actor.user_id, read_at=None
    )
    async with broker.subscribe(listening(actor, user_channel(actor.user_id))) as subscriber:
        last = None
        while True:
            count = await unread.count()
            if count != last:
                last = count
                yield count
            await subscriber.get(poll)
            if not await still_active(actor):
                return
