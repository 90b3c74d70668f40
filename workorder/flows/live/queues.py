"""A group's waiting tickets, counted for its members and supervisors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from workorder.auth.actor import Actor
from workorder.auth.visibility import Reach
from workorder.errors import not_found
from workorder.flows.live.memory import memory_of
from workorder.flows.live.socket import POLL, listening, open_stream, wake_together
from workorder.models import Group, Status, Ticket
from workorder.subscriptions.broker import Broker, Message
from workorder.subscriptions.channels import group_channel


@dataclass(frozen=True, slots=True)
class QueueCount:
    group_id: int
    pending: int
    unassigned: int
    # The ticket whose entering or leaving this count follows: None on the first count, after
    # a resync or a reach change, and when several tickets moved between two reads.
    ticket_id: int | None = None


def _moved_ticket(messages: list[Message]) -> int | None:
    """The one ticket the pushes that woke the stream name, if they name exactly one."""
    named = {m.get("ticketId") for m in messages}
    if len(named) != 1:
        return None
    (ticket,) = named
    return ticket if isinstance(ticket, int) else None


def _may_watch_queue(actor: Actor, reach: Reach, group_id: int) -> bool:
    return actor.is_admin or group_id in reach.member_of or group_id in reach.supervisor_of


async def queue_stream(
    actor: Actor, broker: Broker, group_id: int, poll: float | None = POLL
) -> AsyncIterator[QueueCount]:
    """The counts now, then whenever they change, while the caller may still watch. The
    counts are read once per push for every socket of this process watching the group."""
    await open_stream(actor)
    memory = memory_of(broker)
    if not await Group.filter(id=group_id, tenant_id=actor.tenant_id).exists():
        raise not_found("Group", ["groupId"])
    waiting = Ticket.filter(
        tenant_id=actor.tenant_id,
        current_group_id=group_id,
        status=Status.PENDING,
        deleted_at=None,
    )

    async def counts() -> tuple[int, int]:
        return await waiting.count(), await waiting.filter(assignee_id=None).count()

    channel = group_channel(group_id)
    async with (
        broker.subscribe(listening(actor, channel)) as subscriber,
        memory.listening(actor) as reach,
    ):
        if not _may_watch_queue(actor, reach, group_id):
            raise not_found("Group", ["groupId"])
        last = None
        moved: int | None = None
        now = await counts()
        while True:
            if now != last:
                last = now
                yield QueueCount(group_id, *now, moved)
            burst = await wake_together(actor, memory, subscriber, poll)
            if burst is None:
                return
            woken, pushes = burst
            if not _may_watch_queue(actor, await memory.reach(actor), group_id):
                return
            moved = _moved_ticket(pushes)
            key = None if woken.reason else woken.key(channel)
            now = await (counts() if key is None else memory.once(("queue", key), counts))
