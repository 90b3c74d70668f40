"""A group's waiting tickets, counted for its members and supervisors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from workorder.auth.actor import Actor
from workorder.errors import not_found
from workorder.flows.live.socket import POLL, listening, open_stream, still_active
from workorder.models import Group, Status, Ticket
from workorder.subscriptions.broker import Broker, Message
from workorder.subscriptions.channels import group_channel


@dataclass(frozen=True, slots=True)
class QueueCount:
    group_id: int
    pending: int
    unassigned: int
    # The ticket whose entering or leaving this count follows: None on the first count, after
    # a resync or a credentials check, and when several tickets moved between two reads.
    ticket_id: int | None = None


def _moved_ticket(messages: list[Message | None]) -> int | None:
    """The one ticket the pushes that woke the stream name, if they name exactly one."""
    named = {m.get("ticketId") for m in messages if m is not None}
    if None in messages or len(named) != 1:
        return None
    (ticket,) = named
    return ticket if isinstance(ticket, int) else None


async def _may_watch_queue(actor: Actor, group_id: int) -> bool:
    if actor.is_admin:
        return True
    return await Group.filter(id=group_id, members__id=actor.user_id).exists() or (
        await Group.filter(id=group_id, supervisors__id=actor.user_id).exists()
    )


async def queue_stream(
    actor: Actor, broker: Broker, group_id: int, poll: float | None = POLL
) -> AsyncIterator[QueueCount]:
    """The counts now, then whenever they change, while the caller may still watch."""
    await open_stream(actor)
    if not await Group.filter(id=group_id, tenant_id=actor.tenant_id).exists() or not (
        await _may_watch_queue(actor, group_id)
    ):
        raise not_found("Group", ["groupId"])
    waiting = Ticket.filter(
        tenant_id=actor.tenant_id,
        current_group_id=group_id,
        status=Status.PENDING,
        deleted_at=None,
    )
    async with broker.subscribe(listening(actor, group_channel(group_id))) as subscriber:
        last = None
        moved: int | None = None
        while True:
            pending = await waiting.count()
            unassigned = await waiting.filter(assignee_id=None).count()
            if (pending, unassigned) != last:
                last = (pending, unassigned)
                yield QueueCount(group_id, pending, unassigned, moved)
            woke = [await subscriber.get(poll)]
            while not subscriber.queue.empty():  # pushes that arrived together: one read
                woke.append(subscriber.queue.get_nowait())
            moved = _moved_ticket(woke)
            if not await still_active(actor) or not await _may_watch_queue(actor, group_id):
                return
