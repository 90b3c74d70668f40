"""A ticket's events as they happen, while the caller may still see it."""

from __future__ import annotations

from collections.abc import AsyncIterator

from workorder.auth.actor import Actor
from workorder.auth.visibility import look_up_reach, visible_ticket, visible_tickets
from workorder.errors import ErrorCode, FlowError
from workorder.flows.live.socket import POLL, Position, Seen, listening, open_stream, still_active
from workorder.models import TicketEvent
from workorder.subscriptions.broker import Broker
from workorder.subscriptions.channels import ticket_channel


async def ticket_event_stream(
    actor: Actor,
    broker: Broker,
    ticket_id: int,
    after: Position | None = None,
    poll: float | None = POLL,
) -> AsyncIterator[tuple[TicketEvent | None, Position]]:
    """Visibility is checked again at every wake-up: the stream stops when access is lost.

    Like the notifications, the first item carries no event: the stream is subscribed and
    this is where it stands; then the events after `after` (when given), then live, each
    with the position after it."""
    await open_stream(actor)
    # A stream outlives the request that opened it: the reach is looked up afresh each time.
    await visible_ticket(actor, ticket_id, await look_up_reach(actor))
    events = TicketEvent.filter(tenant_id=actor.tenant_id, ticket_id=ticket_id)
    if after is not None and after.floor and not await events.filter(id=after.floor).exists():
        raise FlowError(ErrorCode.NOT_FOUND, "Unknown ticket event id", ["after"])
    async with broker.subscribe(listening(actor, ticket_channel(ticket_id))) as subscriber:
        if after is None:
            newest = await events.order_by("-id").first()
            seen = Seen(newest.id if newest else 0)
        else:
            seen = Seen.resume(after)
        yield None, seen.position()
        while True:
            for row in await events.filter(id__gt=seen.floor).order_by("id"):
                if seen.first_time(row.id, row.created_at):
                    yield row, seen.position()
            seen.settle()
            await subscriber.get(poll)
            if not await still_active(actor):
                return
            reach = await look_up_reach(actor)
            if not await (await visible_tickets(actor, reach)).filter(id=ticket_id).exists():
                return  # access lost: the stream stops
