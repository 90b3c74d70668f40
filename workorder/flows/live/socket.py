"""What every stream of an open socket shares: its credential, the channels it listens to,
how it wakes, and the ids already sent.

A push carries what a stream sends (the notification row, the ticket event and who may see
the ticket), so a push costs no database read per socket: a stream checks visibility in
memory, against the reach its process keeps for the user (`memory`). The database is read
when a stream subscribes, to resume (`after:`), and to heal: the broker numbers each
channel's pushes, and a gap, a lost Redis connection or a dropped publish makes it tell the
subscribers to resync — each then reads from the database what it may have missed. Every
stream subscribes first and reads second, so nothing committed in between is missed.

An idle stream costs nothing: it does not poll. It wakes for a push on its channel, a
resync, a `CredentialsEnded` on the user's credentials channel (the way a quiet stream learns
that its user was deactivated or its session or API token revoked; an access token's own
expiry closes the socket: see the server), or a `ReachChanged` on the tenant's reach channel
(someone's groups, departments, reporting line or sharing rules changed: the reaches kept in
memory are dropped and the stream checks its access again). The credential is read again at
those wake-ups, not at every push.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from workorder.auth.actor import Actor
from workorder.auth.sessions import still_valid
from workorder.errors import ErrorCode, FlowError
from workorder.flows.live.memory import LiveMemory
from workorder.models import Role, User
from workorder.subscriptions.broker import Message, Subscriber
from workorder.subscriptions.channels import credentials_channel, reach_channel

# How long a quiet stream waits before it reads again on its own: never (see above). Tests
# that want a poll pass one.
POLL: float | None = None
# A transaction open longer than this is assumed finished: rows older than it have settled.
SETTLE = timedelta(seconds=60)
SESSION_ENDED = "Session ended: log in again"
# A position names at most this many ids sent above its floor (a client's cursor stays short).
MAX_SENT = 200


@dataclass(frozen=True, slots=True)
class Position:
    """Where a stream stands: every id up to `floor` and each id in `sent` (above it) has
    been sent. A client that resumes from it gets exactly the rest, even the rows that
    committed after a higher id had already gone out."""

    floor: int
    sent: tuple[int, ...] = ()


class Seen:
    """Ids already sent. Commits can land out of id order, so ids above the floor are kept
    until they are old enough that no lower id can still appear."""

    def __init__(self, floor: int) -> None:
        self.floor = floor
        self.recent: dict[int, datetime] = {}

    @classmethod
    def resume(cls, position: Position) -> Seen:
        """Continue from a position a client kept; its ids above the floor settle from now."""
        seen = cls(position.floor)
        now = datetime.now(UTC)
        seen.recent = {i: now for i in position.sent if i > position.floor}
        return seen

    def position(self) -> Position:
        if len(self.recent) > MAX_SENT:
            # Too many to name: the floor alone resends the recent ones (at-least-once)
            # but never skips one.
            return Position(self.floor)
        return Position(self.floor, tuple(sorted(self.recent)))

    def first_time(self, row_id: int, created_at: datetime) -> bool:
        if row_id <= self.floor or row_id in self.recent:
            return False
        self.recent[row_id] = created_at
        return True

    def settle(self) -> None:
        limit = datetime.now(UTC) - SETTLE
        settled = [i for i, at in self.recent.items() if at < limit]
        if settled:
            self.floor = max(self.floor, *settled)
            self.recent = {i: at for i, at in self.recent.items() if i > self.floor}


def listening(actor: Actor, channel: str) -> list[str]:
    """A stream's channels: what it follows, its user's credentials channel and the
    tenant's reach channel."""
    return [channel, credentials_channel(actor.user_id), reach_channel(actor.tenant_id)]


# What `wake` hands back besides a push on the stream's own channel.
CHECK = "check"  # the reach changed: check access again (from memory), nothing was missed
RESYNC = "resync"  # pushes may have been missed: check access and read them back


@dataclass(frozen=True, slots=True)
class Woken:
    """Why a stream woke: a push on its channel (`message`), or CHECK / RESYNC."""

    message: Message
    reason: str | None = None  # None: a push

    def key(self, channel: str) -> Hashable | None:
        """The push, for everyone in this process who handles the same one: the channel
        and its sequence number (None when the push has none: nothing is shared)."""
        seq = self.message.get("seq")
        return None if seq is None else (channel, seq)


async def _same_grants(actor: Actor, memory: LiveMemory, message: Message) -> bool:
    """Whether the user still has the roles and permissions the socket was opened with (a
    socket authenticates once; `ReachChanged` also follows a change of roles). Read once
    per user and message in the process."""
    key = ("grants", actor.user_id, message.get("seq"), id(message))

    async def read() -> tuple[frozenset[str], frozenset[str]] | None:
        row = await User.filter(id=actor.user_id).values("roles", "permissions")
        if not row:
            return None
        roles = frozenset(r for r in row[0]["roles"] if r in Role.__members__)  # as Actor.of
        return roles, frozenset(row[0]["permissions"])

    now = await memory.once(key, read)
    return now is not None and now == (
        frozenset(str(r) for r in actor.roles),
        actor.permissions,
    )


async def wake_together(
    actor: Actor, memory: LiveMemory, subscriber: Subscriber, poll: float | None
) -> tuple[Woken, list[Message]] | None:
    """The next wake-up with whatever arrived together with it, handled as one (a stream
    that counts reads once for a burst): a reason among them wins, else the last push's key
    is the burst's; the pushes come along only when no reason did. None: the credential
    has ended."""
    woken = await wake(actor, memory, subscriber, poll)
    if woken is None:
        return None
    pushes = [] if woken.reason else [woken.message]
    while not subscriber.queue.empty():
        more = await wake(actor, memory, subscriber, poll)
        if more is None:
            return None
        if woken.reason is None:  # a reason, once seen, stays
            woken = more
        if more.reason is None:
            pushes.append(more.message)
    return woken, [] if woken.reason else pushes


async def wake(
    actor: Actor, memory: LiveMemory, subscriber: Subscriber, poll: float | None
) -> Woken | None:
    """The next reason to act; None when the credential has ended (the stream ends)."""
    while True:
        message = await subscriber.get(poll)
        if message is None:  # a test's poll: read as after a resync
            return Woken({}, RESYNC)
        kind = message.get("type")
        if kind == "credentials":
            if not await still_valid(actor):
                return None
            continue
        if kind == "reach":
            memory.forget(message, actor.tenant_id)
            if not await _same_grants(actor, memory, message):
                return None  # the socket's actor is out of date: the client reconnects
            return Woken(message, CHECK)
        if kind == "resync":
            memory.forget(message)
            if not await still_valid(actor):
                return None
            return Woken(message, RESYNC)
        return Woken(message)


async def open_stream(actor: Actor) -> None:
    """A socket authenticated once may outlive its credential: a new subscription on it
    checks the credential again."""
    if not await still_valid(actor):
        raise FlowError(ErrorCode.UNAUTHENTICATED, SESSION_ENDED)
