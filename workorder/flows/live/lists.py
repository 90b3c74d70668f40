"""A list a client keeps open (a queue, a view), kept current without polling: which ticket
entered it, changed in it or left it; and the menu badges of the caller's views.

Both listen to every ticket change of the tenant (`TicketTouched`, which carries who may see
the ticket). A ticket the caller may not see now is decided in memory: it is not in their
list (and if this stream had it there, it left). For one they may see, whether it matches
the list is one query, run once per push for every socket of this process with the same
caller and list. Badges are counted in one statement, once per burst of pushes for every
socket with the same caller and views.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from workorder.auth.actor import Actor
from workorder.auth.audience import Audience, sees
from workorder.auth.visibility import Reach
from workorder.flows.live.memory import LiveMemory, memory_of
from workorder.flows.live.socket import (
    POLL,
    RESYNC,
    listening,
    open_stream,
    wake,
    wake_together,
)
from workorder.flows.views.lists import ListSpec, count_views, matching
from workorder.models import Ticket
from workorder.subscriptions.broker import Broker
from workorder.subscriptions.channels import tenant_tickets_channel
from workorder.subscriptions.messages import TicketTouched

# The tickets a new stream takes as "already in the list": a client shows the first pages;
# a ticket further down that changes is reported as ENTERED (upsert it) all the same.
KNOWN_AT_START = 500


class ListChangeKind(StrEnum):
    ENTERED = "ENTERED"
    CHANGED = "CHANGED"
    LEFT = "LEFT"
    RELOAD = "RELOAD"  # pushes may have been missed: query the list again


@dataclass(frozen=True, slots=True)
class ListChange:
    kind: ListChangeKind | None  # None: the first item, the stream is live
    ticket_id: int | None = None


async def _ids_in(actor: Actor, reach: Reach, spec: ListSpec, ids: Sequence[int] = ()) -> set[int]:
    """The tickets of the list (its first KNOWN_AT_START), or which of `ids` are in it."""
    query = Ticket.filter(await matching(actor, reach, spec))
    if ids:
        query = query.filter(id__in=list(ids))
    else:
        query = query.order_by("-updated_at", "-id").limit(KNOWN_AT_START)
    return {int(pk) for pk in await query.values_list("id", flat=True)}  # type: ignore[call-overload]


async def _in_list(
    actor: Actor, memory: LiveMemory, spec: ListSpec, push: TicketTouched, key: Hashable | None
) -> bool:
    reach = await memory.reach(actor)
    if push.audience is not None and not sees(actor, reach, Audience.from_wire(push.audience)):
        return False

    async def read() -> bool:
        return bool(await _ids_in(actor, reach, spec, [push.ticket_id]))

    if key is None:
        return await read()
    caller = (actor.user_id, actor.roles, actor.scopes, spec.fingerprint())
    return await memory.once(("list", key, caller), read)


async def ticket_list_stream(
    actor: Actor, broker: Broker, spec: ListSpec, poll: float | None = POLL
) -> AsyncIterator[tuple[ListChange, Hashable | None]]:
    """A ready item, then a change per ticket that entered, changed in or left the list (and
    RELOAD when pushes may have been missed), each with the key of its push."""
    await open_stream(actor)
    memory = memory_of(broker)
    channel = tenant_tickets_channel(actor.tenant_id)
    async with (
        broker.subscribe(listening(actor, channel)) as subscriber,
        memory.listening(actor) as reach,
    ):
        inside = await _ids_in(actor, reach, spec)
        yield ListChange(None), None
        while True:
            woken = await wake(actor, memory, subscriber, poll)
            if woken is None:
                return
            if woken.reason is not None:  # a reach changed, or pushes were lost
                reach = await memory.reach(actor)
                still = await _ids_in(actor, reach, spec, sorted(inside)) if inside else set()
                for gone in sorted(inside - still):
                    yield ListChange(ListChangeKind.LEFT, gone), None
                inside = still
                if woken.reason == RESYNC:
                    inside |= await _ids_in(actor, reach, spec)
                    yield ListChange(ListChangeKind.RELOAD), None
                continue
            push = TicketTouched.from_dict(actor.tenant_id, woken.message)
            key = woken.key(channel)
            if await _in_list(actor, memory, spec, push, key):
                kind = (
                    ListChangeKind.CHANGED if push.ticket_id in inside else ListChangeKind.ENTERED
                )
                inside.add(push.ticket_id)
                yield ListChange(kind, push.ticket_id), key
            elif push.ticket_id in inside:
                inside.discard(push.ticket_id)
                yield ListChange(ListChangeKind.LEFT, push.ticket_id), key


async def view_count_stream(
    actor: Actor, broker: Broker, specs: Sequence[ListSpec], poll: float | None = POLL
) -> AsyncIterator[list[int]]:
    """The counts of these lists now, then whenever a ticket change alters them."""
    await open_stream(actor)
    memory = memory_of(broker)
    channel = tenant_tickets_channel(actor.tenant_id)
    async with broker.subscribe(listening(actor, channel)) as subscriber, memory.listening(actor):

        async def counts() -> list[int]:
            return await count_views(actor, await memory.reach(actor), list(specs))

        last = None
        now = await counts()
        caller = (actor.user_id, actor.roles, actor.scopes, tuple(s.fingerprint() for s in specs))
        while True:
            if now != last:
                last = now
                yield now
            burst = await wake_together(actor, memory, subscriber, poll)
            if burst is None:
                return
            woken, _ = burst
            key = None if woken.reason else woken.key(channel)
            now = await (counts() if key is None else memory.once(("counts", key, caller), counts))
