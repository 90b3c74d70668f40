"""Who else has a ticket open, and who is editing it: presence, for collision detection.

Presence is never stored. Each process keeps its own viewers in memory (one `Presence` per
broker) and tells the others through the broker on the ticket's presence channel:

- a process's whole set of viewers of the ticket (`ViewersAnnounced`) whenever it changes —
  a user counts once however many of their sockets hold the ticket, editing when any does;
- a "who is here" (`ViewersAsked`) when a stream starts there or after a resync: every other
  process with viewers of the ticket answers with its set;
- the same set again every `REANNOUNCE` seconds; a set not heard of for `EXPIRE` seconds
  fades, so the viewers of a crashed process disappear from the others;
- `EditingSet` (from `set_editing`): the process holding the user's sockets applies it.

A push costs no database read: the messages carry user id, name, editing flag and since.
The database is read when a stream starts (credential, visibility, the caller's name) and
when its credential may have ended or the broker resynced (credential and visibility again;
the stream ends when either is gone). With one process (the in-process broker) the same
code runs; the first item is then exact. With several, the first item is what this process
knows; viewers held by the others follow as soon as they answer.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from uuid import uuid4

from workorder.auth.actor import Actor
from workorder.auth.audience import Audience, sees
from workorder.auth.sessions import still_valid
from workorder.auth.visibility import look_up_reach, visible_tickets
from workorder.errors import not_found
from workorder.flows.live.memory import memory_of
from workorder.flows.live.socket import listening, open_stream
from workorder.models import User
from workorder.subscriptions.broker import Broker
from workorder.subscriptions.channels import presence_channel, ticket_channel
from workorder.subscriptions.messages import (
    EditingSet,
    TicketChanged,
    Viewer,
    ViewersAnnounced,
    ViewersAsked,
)

# A process says again who views a ticket this often (seconds), while someone does...
REANNOUNCE = 20.0
# ...and a process's viewers not heard of for this long are gone (it crashed, or its
# leave was lost).
EXPIRE = 65.0
# After a resync, what the other processes said before fades unless they say it again
# within this many seconds (the resync told them to).
HEAL = 5.0
# Asks already answered, kept per ticket to answer each once (every local stream sees it).
ANSWERED = 64


class _Socket:
    __slots__ = ("editing", "name", "since", "user_id")

    def __init__(self, user_id: int, name: str, editing: bool) -> None:
        self.user_id = user_id
        self.name = name
        self.editing = editing
        self.since = datetime.now(UTC)


def merged(viewers: Iterable[Viewer]) -> tuple[Viewer, ...]:
    """One entry per user: editing when any entry is, since the earliest; oldest first."""
    users: dict[int, Viewer] = {}
    for viewer in viewers:
        known = users.get(viewer.user_id)
        if known is None:
            users[viewer.user_id] = viewer
        else:
            users[viewer.user_id] = Viewer(
                viewer.user_id,
                known.name,
                known.editing or viewer.editing,
                min(known.since, viewer.since),
            )
    return tuple(sorted(users.values(), key=lambda v: (v.since, v.user_id)))


class Presence:
    """This process's viewers, per ticket, and what it owes the other processes."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self.origin = uuid4().hex
        self._sockets: dict[int, dict[object, _Socket]] = {}
        self._sent: dict[int, tuple[Viewer, ...]] = {}
        self._sent_at: dict[int, float] = {}
        self._answered: dict[int, list[str]] = {}

    def viewers(self, ticket_id: int) -> tuple[Viewer, ...]:
        sockets = self._sockets.get(ticket_id, {}).values()
        return merged(Viewer(s.user_id, s.name, s.editing, s.since) for s in sockets)

    async def join(self, ticket_id: int, token: object, socket: _Socket) -> None:
        self._sockets.setdefault(ticket_id, {})[token] = socket
        await self._changed(ticket_id)

    async def leave(self, ticket_id: int, token: object) -> None:
        sockets = self._sockets.get(ticket_id, {})
        sockets.pop(token, None)
        if not sockets:
            self._sockets.pop(ticket_id, None)
        await self._changed(ticket_id)  # the last one gone: an empty set tells the others
        if ticket_id not in self._sockets:
            for memory in (self._sent, self._sent_at, self._answered):
                memory.pop(ticket_id, None)

    async def set_editing(self, ticket_id: int, user_id: int, editing: bool) -> None:
        for socket in self._sockets.get(ticket_id, {}).values():
            if socket.user_id == user_id:
                socket.editing = editing
        await self._changed(ticket_id)

    async def ask(self, ticket_id: int) -> None:
        await self._publish(ViewersAsked(ticket_id, self.origin, uuid4().hex))

    async def answer(self, asked: ViewersAsked) -> None:
        answered = self._answered.setdefault(asked.ticket_id, [])
        if asked.origin == self.origin or asked.ask in answered:
            return
        answered.append(asked.ask)
        del answered[:-ANSWERED]
        await self.announce(asked.ticket_id)

    def announce_in(self, ticket_id: int) -> float:
        """Seconds until this process's viewers of the ticket are due to be said again."""
        sent = self._sent_at.get(ticket_id, float("-inf"))
        return max(0.0, sent + REANNOUNCE - asyncio.get_running_loop().time())

    async def announce_if_due(self, ticket_id: int) -> None:
        if ticket_id in self._sockets and self.announce_in(ticket_id) <= 0:
            await self.announce(ticket_id)

    async def announce(self, ticket_id: int) -> None:
        viewers = self.viewers(ticket_id)
        self._sent[ticket_id] = viewers
        self._sent_at[ticket_id] = asyncio.get_running_loop().time()
        await self._publish(ViewersAnnounced(ticket_id, self.origin, viewers))

    async def _changed(self, ticket_id: int) -> None:
        if self.viewers(ticket_id) != self._sent.get(ticket_id, ()):
            await self.announce(ticket_id)

    async def _publish(self, push: ViewersAnnounced | ViewersAsked | EditingSet) -> None:
        await self.broker.publish(push.channel, push.to_dict())


_presences: weakref.WeakKeyDictionary[Broker, Presence] = weakref.WeakKeyDictionary()


def presence_of(broker: Broker) -> Presence:
    """The process's presence: one per broker, as the broker is one per process."""
    presence = _presences.get(broker)
    if presence is None:
        presence = _presences[broker] = Presence(broker)
    return presence


class _Others:
    """What the other processes said, each set until it expires."""

    def __init__(self) -> None:
        self.sets: dict[str, tuple[tuple[Viewer, ...], float]] = {}

    def put(self, announced: ViewersAnnounced, now: float) -> None:
        if announced.viewers:
            self.sets[announced.origin] = (announced.viewers, now + EXPIRE)
        else:
            self.sets.pop(announced.origin, None)

    def fade_by(self, deadline: float) -> None:
        self.sets = {o: (v, min(at, deadline)) for o, (v, at) in self.sets.items()}

    def current(self, now: float) -> list[Viewer]:
        self.sets = {o: (v, at) for o, (v, at) in self.sets.items() if at > now}
        return [viewer for viewers, _ in self.sets.values() for viewer in viewers]

    def next_expiry(self) -> float:
        return min((at for _, at in self.sets.values()), default=float("inf"))


async def _still_visible(actor: Actor, ticket_id: int) -> bool:
    reach = await look_up_reach(actor)
    return await (await visible_tickets(actor, reach)).filter(id=ticket_id).exists()


async def viewer_stream(
    actor: Actor, broker: Broker, ticket_id: int, editing: bool = False
) -> AsyncIterator[tuple[Viewer, ...]]:
    """The caller joins the ticket's viewers for as long as the stream runs (leaving when it
    ends, however it ends); every item is the whole set, the caller included."""
    await open_stream(actor)
    if not await _still_visible(actor, ticket_id):
        raise not_found("Ticket", ["ticketId"])
    user = await User.get(id=actor.user_id)
    socket = _Socket(actor.user_id, user.display_name or user.username, editing)
    presence = presence_of(broker)
    loop = asyncio.get_running_loop()
    token = object()
    memory = memory_of(broker)
    # The ticket's own pushes too: one that takes it out of the caller's sight (reassigned,
    # moved on) ends the stream, decided in memory from the facts the push carries.
    channels = [*listening(actor, presence_channel(ticket_id)), ticket_channel(ticket_id)]
    async with broker.subscribe(channels) as subscriber, memory.listening(actor):
        others = _Others()
        await presence.join(ticket_id, token, socket)
        try:
            await presence.ask(ticket_id)
            last = None
            while True:
                now = loop.time()
                viewers = merged([*presence.viewers(ticket_id), *others.current(now)])
                if viewers != last:
                    last = viewers
                    yield viewers
                wake = min(others.next_expiry() - now, presence.announce_in(ticket_id))
                message = await subscriber.get(max(wake, 0.0))
                kind = None if message is None else message.get("type")
                if message is None:
                    await presence.announce_if_due(ticket_id)
                elif kind == "viewers":
                    announced = ViewersAnnounced.from_dict(ticket_id, message)
                    if announced.origin != presence.origin:
                        others.put(announced, loop.time())
                elif kind == "who":
                    await presence.answer(ViewersAsked.from_dict(ticket_id, message))
                elif kind == "editing":
                    change = EditingSet.from_dict(ticket_id, message)
                    await presence.set_editing(ticket_id, change.user_id, change.editing)
                elif kind is None and "eventId" in message:  # the ticket changed
                    wire = TicketChanged.from_dict(message).audience
                    if wire is not None and not sees(
                        actor, await memory.reach(actor), Audience.from_wire(wire)
                    ):
                        return
                else:  # the credential may have ended, or pushes were lost: check again
                    if kind == "reach" or kind == "resync":
                        memory.forget(message, None if kind == "resync" else actor.tenant_id)
                    if not await still_valid(actor) or not await _still_visible(actor, ticket_id):
                        return
                    if kind == "resync":
                        others.fade_by(loop.time() + HEAL)
                        await presence.announce(ticket_id)
                        await presence.ask(ticket_id)
        finally:
            await presence.leave(ticket_id, token)


async def set_editing(actor: Actor, broker: Broker, ticket_id: int, editing: bool) -> None:
    """Applies to every socket the caller has on the ticket, on whichever process holds it;
    nothing happens where they have none."""
    if not await _still_visible(actor, ticket_id):
        raise not_found("Ticket", ["ticketId"])
    push = EditingSet(ticket_id, actor.user_id, editing)
    await broker.publish(push.channel, push.to_dict())
