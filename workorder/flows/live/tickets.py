"""A ticket's events as they happen, while the caller may still see it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Hashable

from workorder.auth.actor import Actor
from workorder.auth.audience import Audience, audience_of, sees
from workorder.auth.visibility import visible_ticket
from workorder.errors import ErrorCode, FlowError
from workorder.flows.live.memory import LiveMemory, memory_of
from workorder.flows.live.socket import (
    POLL,
    RESYNC,
    Position,
    Seen,
    Woken,
    listening,
    open_stream,
    wake,
)
from workorder.models import TicketEvent
from workorder.subscriptions.broker import Broker, Message
from workorder.subscriptions.channels import ticket_channel
from workorder.subscriptions.messages import TicketChanged

Pushed = tuple[TicketEvent | None, Position, Hashable | None]


Decoded = tuple[TicketChanged, Audience | None, TicketEvent | None]


def _decode(message: Message) -> Decoded:
    """A push's parts, decoded once per process (see LiveMemory.decoded)."""
    push = TicketChanged.from_dict(message)
    audience = None if push.audience is None else Audience.from_wire(push.audience)
    return push, audience, push.row()


async def _still_sees(
    actor: Actor, memory: LiveMemory, ticket_id: int, woken: Woken, audience: Audience | None
) -> bool:
    """Visibility again, in memory: the push's facts about the ticket (read once for the
    whole process when a push had none, after a reach change or a resync)."""
    if audience is None:
        key = ("audience", ticket_id, woken.message.get("seq"), id(woken.message))
        audience = await memory.once(key, lambda: audience_of(ticket_id))
    return audience is not None and sees(actor, await memory.reach(actor), audience)


async def ticket_event_stream(
    actor: Actor,
    broker: Broker,
    ticket_id: int,
    after: Position | None = None,
    poll: float | None = POLL,
) -> AsyncIterator[Pushed]:
    """Visibility is checked again at every wake-up: the stream stops when access is lost.

    Like the notifications, the first item carries no event: the stream is subscribed and
    this is where it stands; then the events after `after` (when given), then live, each
    with the position after it and the key of the push it came with."""
    await open_stream(actor)
    memory = memory_of(broker)
    events = TicketEvent.filter(tenant_id=actor.tenant_id, ticket_id=ticket_id)
    channel = ticket_channel(ticket_id)
    async with (
        broker.subscribe(listening(actor, channel)) as subscriber,
        memory.listening(actor) as reach,
    ):
        await visible_ticket(actor, ticket_id, reach)
        if after is not None and after.floor and not await events.filter(id=after.floor).exists():
            raise FlowError(ErrorCode.NOT_FOUND, "Unknown ticket event id", ["after"])
        if after is None:
            newest = await events.order_by("-id").first()
            seen = Seen(newest.id if newest else 0)
        else:
            seen = Seen.resume(after)
        yield None, seen.position(), None
        catch_up = after is not None
        while True:
            if catch_up:
                for row in await events.filter(id__gt=seen.floor).order_by("id"):
                    if seen.first_time(row.id, row.created_at):
                        yield row, seen.position(), None
                catch_up = False
            seen.settle()
            woken = await wake(actor, memory, subscriber, poll)
            if woken is None:
                return
            decoded = None if woken.reason else memory.decoded(woken.message, "event", _decode)
            push, audience, pushed = decoded or (None, None, None)
            if not await _still_sees(actor, memory, ticket_id, woken, audience):
                return  # access lost: the stream stops
            if woken.reason == RESYNC:
                catch_up = True
            elif push is not None:
                if pushed is None:  # a push without its event (an older publisher): read it
                    catch_up = True
                elif seen.first_time(pushed.id, pushed.created_at):
                    yield pushed, seen.position(), woken.key(channel)
