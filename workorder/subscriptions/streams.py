"""What each subscription streams, as plain async generators over the database and the
broker (no GraphQL here).

The database is the source of truth and the broker only a wake-up call: every stream
subscribes first, then reads what it must send from the database, so nothing committed is
missed — not between replay and live, not while Redis was away (a resync follows), and not
when a push was lost (a quiet stream still checks every POLL seconds). Visibility is
checked again for every message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from workorder.auth.actor import Actor
from workorder.auth.sessions import still_valid
from workorder.auth.visibility import look_up_reach, visible_ticket, visible_tickets
from workorder.errors import ErrorCode, FlowError, not_found
from workorder.flows.batch.jobs import visible_job
from workorder.models import (
    JOB_FINISHED,
    Group,
    Job,
    Notification,
    Status,
    Ticket,
    TicketEvent,
)
from workorder.subscriptions.broker import Broker
from workorder.subscriptions.channels import (
    group_channel,
    job_channel,
    ticket_channel,
    user_channel,
)

POLL = 30.0
# A transaction open longer than this is assumed finished: rows older than it have settled.
SETTLE = timedelta(seconds=60)


class _Seen:
    """Ids already sent. Commits can land out of id order, so ids above the floor are kept
    until they are old enough that no lower id can still appear."""

    def __init__(self, floor: int) -> None:
        self.floor = floor
        self.recent: dict[int, datetime] = {}

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


async def _still_active(actor: Actor) -> bool:
    """A deactivated user's streams, and those of a session logged out or an API token
    revoked, end at the next message or poll."""
    return await still_valid(actor)


async def _open(actor: Actor) -> None:
    """A socket authenticated once may outlive its credential: a new subscription on it
    checks the credential again."""
    if not await still_valid(actor):
        raise FlowError(ErrorCode.UNAUTHENTICATED, "Session ended: log in again")


async def notification_stream(
    actor: Actor, broker: Broker, after: int | None, poll: float = POLL
) -> AsyncIterator[Notification]:
    """Replay what came after `after` (when given), then live — gap-free, no duplicates."""
    await _open(actor)
    mine = Notification.filter(tenant_id=actor.tenant_id, recipient_id=actor.user_id)
    if after is not None and not await mine.filter(id=after).exists():
        raise FlowError(ErrorCode.NOT_FOUND, "Unknown notification id", ["after"])
    async with broker.subscribe([user_channel(actor.user_id)]) as subscriber:
        if after is None:
            newest = await mine.order_by("-id").first()
            floor = newest.id if newest else 0
        else:
            floor = after
        seen = _Seen(floor)
        while True:
            for row in await mine.filter(id__gt=seen.floor).order_by("id"):
                if seen.first_time(row.id, row.created_at):
                    yield row
            seen.settle()
            await subscriber.get(poll)
            if not await _still_active(actor):
                return


async def unread_count_stream(
    actor: Actor, broker: Broker, poll: float = POLL
) -> AsyncIterator[int]:
    """The badge: the count now, then whenever it may have changed."""
    await _open(actor)
    unread = Notification.filter(
        tenant_id=actor.tenant_id, recipient_id=actor.user_id, read_at=None
    )
    async with broker.subscribe([user_channel(actor.user_id)]) as subscriber:
        last = None
        while True:
            count = await unread.count()
            if count != last:
                last = count
                yield count
            await subscriber.get(poll)
            if not await _still_active(actor):
                return


async def ticket_event_stream(
    actor: Actor, broker: Broker, ticket_id: int, poll: float = POLL
) -> AsyncIterator[TicketEvent]:
    """A ticket's events as they happen, while the caller may still see it."""
    await _open(actor)
    # A stream outlives the request that opened it: the reach is looked up afresh each time.
    await visible_ticket(actor, ticket_id, await look_up_reach(actor))
    events = TicketEvent.filter(tenant_id=actor.tenant_id, ticket_id=ticket_id)
    async with broker.subscribe([ticket_channel(ticket_id)]) as subscriber:
        newest = await events.order_by("-id").first()
        seen = _Seen(newest.id if newest else 0)
        while True:
            await subscriber.get(poll)
            if not await _still_active(actor):
                return
            reach = await look_up_reach(actor)
            if not await (await visible_tickets(actor, reach)).filter(id=ticket_id).exists():
                return  # access lost: the stream stops
            for row in await events.filter(id__gt=seen.floor).order_by("id"):
                if seen.first_time(row.id, row.created_at):
                    yield row
            seen.settle()


@dataclass(frozen=True, slots=True)
class QueueCount:
    group_id: int
    pending: int
    unassigned: int


async def _may_watch_queue(actor: Actor, group_id: int) -> bool:
    if actor.is_admin:
        return True
    return await Group.filter(id=group_id, members__id=actor.user_id).exists() or (
        await Group.filter(id=group_id, supervisors__id=actor.user_id).exists()
    )


async def queue_stream(
    actor: Actor, broker: Broker, group_id: int, poll: float = POLL
) -> AsyncIterator[QueueCount]:
    """A group's waiting tickets, for its members and supervisors."""
    await _open(actor)
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
    async with broker.subscribe([group_channel(group_id)]) as subscriber:
        last = None
        while True:
            pending = await waiting.count()
            current = QueueCount(group_id, pending, await waiting.filter(assignee_id=None).count())
            if current != last:
                last = current
                yield current
            await subscriber.get(poll)
            if not await _still_active(actor) or not await _may_watch_queue(actor, group_id):
                return


async def job_stream(
    actor: Actor, broker: Broker, job_id: int, poll: float = POLL
) -> AsyncIterator[Job]:
    """A job's progress until it finishes (its final state is the last item)."""
    await _open(actor)
    await visible_job(actor, job_id)
    async with broker.subscribe([job_channel(job_id)]) as subscriber:
        last = None
        while True:
            if not await _still_active(actor):
                return
            job = await Job.get(id=job_id)
            state = (job.status, job.total, job.done, job.failed)
            if state != last:
                last = state
                yield job
            if job.status in JOB_FINISHED:
                return
            await subscriber.get(poll)
