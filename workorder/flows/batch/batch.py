"""Batch actions on selected tickets (批量操作): transfer, close, assign, delete, urge,
change of owner.

Each ticket goes through the very flow function of the single action — the same rules, the
same event, the same notifications — in its own transaction, so a ticket that is refused
never undoes the ones before it. The batch reports one outcome per ticket.

Selected ids run here, synchronously, up to a limit; "everything matching a filter" is a job.
"""

from __future__ import annotations

from collections.abc import Awaitable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from workorder.auth.actor import Actor
from workorder.auth.permissions import Permission, require_permission
from workorder.errors import FlowError, invalid
from workorder.flows.tickets import closing, handling, moves, team, urging
from workorder.models import Ticket

H = TypeVar("H", bound=Hashable)


class BatchKind(StrEnum):
    TRANSFER = "TRANSFER"
    CLOSE = "CLOSE"
    ASSIGN = "ASSIGN"
    DELETE = "DELETE"
    URGE = "URGE"
    CHANGE_OWNER = "CHANGE_OWNER"


def require_batch(actor: Actor) -> None:
    """Batch actions are for holders of the ticket.batch grant (admins hold every grant)."""
    require_permission(actor, Permission.TICKET_BATCH, "Batch actions")


def selection(ids: Iterable[H], limit: int, field: Sequence[str] = ("ids",)) -> list[H]:
    """The distinct ids, in the order given; more than `limit` of them is refused whole."""
    distinct = list(dict.fromkeys(ids))
    if len(distinct) > limit:
        raise invalid(
            f"{len(distinct)} tickets selected; at most {limit} at once: "
            "use a filter-based batch job for more",
            field,
        )
    return distinct


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a batch did to one ticket: the changed ticket, or why it was left as it was."""

    ticket_id: int
    ticket: Ticket | None = None
    error: FlowError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class BatchAction(Protocol):
    @property
    def kind(self) -> BatchKind: ...

    async def run(self, actor: Actor, ticket_id: int) -> Ticket: ...


@dataclass(frozen=True, slots=True)
class Transfer:
    user_ids: tuple[int, ...] = ()
    group_id: int | None = None
    step_key: str | None = None
    comment: str = ""

    @property
    def kind(self) -> BatchKind:
        return BatchKind.TRANSFER

    async def run(self, actor: Actor, ticket_id: int) -> Ticket:
        return await moves.transfer_ticket(
            actor,
            ticket_id,
            user_ids=self.user_ids,
            group_id=self.group_id,
            step_key=self.step_key,
            comment=self.comment,
        )


@dataclass(frozen=True, slots=True)
class Close:
    comment: str = ""
    create_follow_up: bool | None = None
    public_url: str | None = None

    @property
    def kind(self) -> BatchKind:
        return BatchKind.CLOSE

    async def run(self, actor: Actor, ticket_id: int) -> Ticket:
        return await closing.close_ticket(
            actor,
            ticket_id,
            self.comment,
            create_follow_up=self.create_follow_up,
            public_url=self.public_url,
        )


@dataclass(frozen=True, slots=True)
class Assign:
    user_id: int
    comment: str = ""

    @property
    def kind(self) -> BatchKind:
        return BatchKind.ASSIGN

    async def run(self, actor: Actor, ticket_id: int) -> Ticket:
        return await handling.assign_ticket(actor, ticket_id, self.user_id, comment=self.comment)


@dataclass(frozen=True, slots=True)
class Delete:
    @property
    def kind(self) -> BatchKind:
        return BatchKind.DELETE

    async def run(self, actor: Actor, ticket_id: int) -> Ticket:
        return await closing.delete_ticket(actor, ticket_id)


@dataclass(frozen=True, slots=True)
class Urge:
    comment: str = ""

    @property
    def kind(self) -> BatchKind:
        return BatchKind.URGE

    async def run(self, actor: Actor, ticket_id: int) -> Ticket:
        return await urging.urge_ticket(actor, ticket_id, self.comment)


@dataclass(frozen=True, slots=True)
class ChangeOwner:
    """Seed 003 2.2.2 in bulk: each ticket as `changeTicketOwner`, under the same rule."""

    user_id: int
    comment: str = ""

    @property
    def kind(self) -> BatchKind:
        return BatchKind.CHANGE_OWNER

    async def run(self, actor: Actor, ticket_id: int) -> Ticket:
        return await team.change_owner(actor, ticket_id, self.user_id, self.comment)


async def attempt(ticket_id: int, work: Awaitable[Ticket]) -> Outcome:
    """One ticket, one transaction: a rule's refusal is its outcome, not the batch's end.

    Anything unexpected still propagates (and is masked and logged by the API): the tickets
    done before it stay done, each having committed on its own.
    """
    try:
        return Outcome(ticket_id, ticket=await work)
    except FlowError as error:
        return Outcome(ticket_id, error=error)


async def run_batch(
    actor: Actor,
    action: BatchAction,
    ticket_ids: Sequence[int],
    *,
    limit: int,
) -> list[Outcome]:
    """The action on each selected ticket, in the order given, duplicates once.

    Must not run inside a unit of work: each ticket's action commits (and publishes) alone.
    """
    require_batch(actor)
    return [await attempt(pk, action.run(actor, pk)) for pk in selection(ticket_ids, limit)]
