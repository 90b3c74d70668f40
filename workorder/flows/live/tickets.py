"""A ticket's events as they happen, while the caller may still see it."""

from __future__ import annotations

from collections.abc import AsyncIterator

from workorder.auth.actor import Actor
from workorder.auth.visibility import look_up_reach, visible_ticket, visible_tickets
from workorder.flows.live.socket import POLL, Seen, open_stream, still_active
from workorder.models import TicketEvent
from workorder.subscriptions.broker import Broker
from workorder.subscriptions.channels import ticket_channel


async def ticket_event_stream(
    actor: Actor, broker: Broker, ticket_id: int, poll: float = POLL
) -> AsyncIterator[TicketEvent]:
    """Visibility is checked again at every wake-up: the stream stops when access is lost."""
    await open_stream(actor)
    # A stream outlives the request that opened it: the reach is looked up afresh each time.
    await visible_ticket(actor, ticket_id, await look_up_reach(actor))
    events = TicketEvent.filter(tenant_id=actor.tenant_id, ticket_id=ticket_id)
    async with broker.subscribe([ticket_channel(ticket_id)]) as subscriber:
        newest = await events.order_by("-id").first()
        seen = Seen(newest.id if newest else 0)
        while True:
            await subscriber.get(poll)
            if not await still_active(actor):
                return
            reach = await look_up_reach(actor)
            if not await (await visible_tickets(actor, reach)).filter(id=ticket_id).exists():
                return  # access lost: the stream stops
            for row in await events.filter(id__gt=seen.floor).order_by("id"):
                if seen.first_time(row.id, row.created_at):
                    yield row
            seen.settle()
