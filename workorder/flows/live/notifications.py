"""A user's notifications as they arrive, and the unread badge."""

from __future__ import annotations

from collections.abc import AsyncIterator, Hashable

from tortoise.expressions import Subquery

from workorder.auth.actor import Actor
from workorder.auth.sessions import still_valid_reading
from workorder.errors import ErrorCode, FlowError
from workorder.flows.live.memory import memory_of
from workorder.flows.live.socket import (
    POLL,
    RESYNC,
    SESSION_ENDED,
    Position,
    Seen,
    listening,
    open_stream,
    wake,
)
from workorder.models import Notification
from workorder.subscriptions.broker import Broker, Message
from workorder.subscriptions.channels import user_channel
from workorder.subscriptions.messages import NotificationCreated

Pushed = tuple[Notification | None, Position, Hashable | None]


def _newest(tenant_id: int, user_id: int) -> Subquery:
    """The id of the user's newest notification: where a feed opened without `after`
    starts."""
    mine = Notification.filter(tenant_id=tenant_id, recipient_id=user_id)
    return Subquery(mine.order_by("-id").limit(1).values("id"))


def _row_of(message: Message) -> Notification | None:
    return NotificationCreated.from_dict(0, message).row()  # the row names its recipient


async def notification_stream(
    actor: Actor, broker: Broker, after: Position | None, poll: float | None = POLL
) -> AsyncIterator[Pushed]:
    """Replay what came after `after` (when given), then live — gap-free, no duplicates.

    The first item carries no row: it says the stream is subscribed (whatever commits from
    now on reaches it) and where it stands, so a user with no notifications yet can resume
    too. Every row comes with the position after it and, when it came with a push, the
    push's key (every socket of the user sends the same for it)."""
    memory = memory_of(broker)
    mine = Notification.filter(tenant_id=actor.tenant_id, recipient_id=actor.user_id)
    if after is not None:
        await open_stream(actor)
        if after.floor and not await mine.filter(id=after.floor).exists():
            raise FlowError(ErrorCode.NOT_FOUND, "Unknown notification id", ["after"])
    channel = user_channel(actor.user_id)
    async with broker.subscribe(listening(actor, channel)) as subscriber:
        if after is None:
            # Subscribed first: a row committed from now on is pushed to us, so the newest
            # row now is where this stream starts — read with the credential check, in one
            # statement (opening thousands of sockets pays one round trip each, not two).
            valid, floor = await still_valid_reading(actor, "newest_notification", _newest)
            if not valid:
                raise FlowError(ErrorCode.UNAUTHENTICATED, SESSION_ENDED)
            seen = Seen(floor or 0)
        else:
            seen = Seen.resume(after)
        async with memory.listening(actor):  # the reach pushes' nested fields are screened with
            yield None, seen.position(), None
            catch_up = after is not None
            while True:
                if catch_up:
                    for row in await mine.filter(id__gt=seen.floor).order_by("id"):
                        if seen.first_time(row.id, row.created_at):
                            yield row, seen.position(), None
                    catch_up = False
                seen.settle()
                woken = await wake(actor, memory, subscriber, poll)
                if woken is None:
                    return
                if woken.reason == RESYNC:
                    catch_up = True
                elif woken.reason is None and "notificationId" in woken.message:
                    pushed = memory.decoded(woken.message, "notification", _row_of)
                    if pushed is None:  # a push without its row (an older publisher): read it
                        catch_up = True
                    elif seen.first_time(pushed.id, pushed.created_at):
                        yield pushed, seen.position(), woken.key(channel)


async def unread_count_stream(
    actor: Actor, broker: Broker, poll: float | None = POLL
) -> AsyncIterator[int]:
    """The badge: the count now, then whenever it may have changed (counted once per push
    for all of the user's sockets in this process)."""
    await open_stream(actor)
    memory = memory_of(broker)
    unread = Notification.filter(
        tenant_id=actor.tenant_id, recipient_id=actor.user_id, read_at=None
    )
    channel = user_channel(actor.user_id)
    async with broker.subscribe(listening(actor, channel)) as subscriber:
        last = None
        count = await unread.count()
        while True:
            if count != last:
                last = count
                yield count
            woken = await wake(actor, memory, subscriber, poll)
            if woken is None:
                return
            if woken.reason == RESYNC:
                count = await unread.count()
            elif woken.reason is None:
                key = woken.key(channel)
                count = await (
                    unread.count() if key is None else memory.once(("unread", key), unread.count)
                )
