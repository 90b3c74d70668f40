"""What every stream of an open socket shares: its credential, checked when it starts and
again at every wake-up, the channels it listens to, and the ids already sent.

The database is the source of truth and the broker only a wake-up call: every stream
subscribes first, then reads what it must send from the database, so nothing committed is
missed — not between replay and live, and not while Redis was away or dropped pushes (the
broker then tells every subscriber to resync, and each reads again). Visibility is checked
again for every message.

An idle stream costs nothing: it does not poll. It wakes only for a push on its channel, a
resync, or a `CredentialsEnded` on the user's credentials channel — the one way a quiet
stream learns that its user was deactivated or its session or API token revoked (an access
token's own expiry closes the socket: see the server). At every wake-up the credential is
checked again before anything is sent, so a lost `CredentialsEnded` (Redis trouble) is
healed by the resync that follows it, and no push reaches a credential that has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from workorder.auth.actor import Actor
from workorder.auth.sessions import still_valid
from workorder.errors import ErrorCode, FlowError
from workorder.subscriptions.channels import credentials_channel

# How long a quiet stream waits before it reads again on its own: never (see above). Tests
# that want a poll pass one.
POLL: float | None = None
# A transaction open longer than this is assumed finished: rows older than it have settled.
SETTLE = timedelta(seconds=60)
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
    """A stream's channels: what it follows, and its user's credentials channel."""
    return [channel, credentials_channel(actor.user_id)]


async def still_active(actor: Actor) -> bool:
    """A deactivated user's streams, and those of a session logged out or an API token
    revoked, end at the next wake-up: a push, a resync, or the `CredentialsEnded` that the
    ending itself publishes."""
    return await still_valid(actor)


async def open_stream(actor: Actor) -> None:
    """A socket authenticated once may outlive its credential: a new subscription on it
    checks the credential again."""
    if not await still_valid(actor):
        raise FlowError(ErrorCode.UNAUTHENTICATED, "Session ended: log in again")
