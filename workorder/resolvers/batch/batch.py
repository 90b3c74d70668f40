"""Batch actions on selected tickets and assignment by quota: decode, call the flow, report
one result per ticket."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, TypeAlias, TypeVar

import strawberry

from workorder.errors import not_found
from workorder.flows.batch import batch, quotas
from workorder.flows.batch.batch import BatchAction, Outcome
from workorder.models import Role
from workorder.resolvers.arguments import decode_id, decode_ids, decode_optional_id
from workorder.resolvers.payloads import mutate
from workorder.schema.batch.types import (
    AssignWithQuotaInput,
    AssignWithQuotaPayload,
    BatchAssignTicketsInput,
    BatchAssignTicketsPayload,
    BatchChangeTicketOwnerInput,
    BatchChangeTicketOwnerPayload,
    BatchCloseTicketsInput,
    BatchCloseTicketsPayload,
    BatchDeleteTicketsInput,
    BatchDeleteTicketsPayload,
    BatchTicketResult,
    BatchTicketsPayload,
    BatchTransferTicketsInput,
    BatchTransferTicketsPayload,
    BatchUrgeTicketsInput,
    BatchUrgeTicketsPayload,
    QuotaShare,
)
from workorder.schema.context import Info
from workorder.schema.errors import UserError
from workorder.schema.node import pk_of
from workorder.schema.org.types import UserType
from workorder.schema.tickets.types import TicketType

P = TypeVar("P", bound=BatchTicketsPayload)


def _result(info: Info, given: strawberry.ID, outcome: Outcome | None) -> BatchTicketResult:
    if outcome is None:  # not a ticket id at all: as unknown as one you may not see
        return BatchTicketResult(
            id=given, ok=False, error=UserError.of(not_found("Ticket", ["id"]))
        )
    if outcome.error is not None:
        return BatchTicketResult(id=given, ok=False, error=UserError.of(outcome.error))
    assert outcome.ticket is not None
    return BatchTicketResult(id=given, ok=True, ticket=TicketType.of(outcome.ticket, info.context))


Selected: TypeAlias = dict[strawberry.ID, int | None]
"""The ids as sent, each with the ticket it names (None: none at all)."""


def _selected(info: Info, ids: Sequence[strawberry.ID]) -> Selected:
    """The distinct ids as sent (the limit counts them all) and the ticket each names."""
    given = batch.selection(ids, info.context.settings.batch_sync_limit)
    return {g: pk_of(g, "Ticket") for g in given}


async def _batch_mutation(
    info: Info,
    payload: type[P],
    ids: Sequence[strawberry.ID],
    action: Callable[[], BatchAction],
) -> P:
    """Run a batch action on the selected tickets; the payload lists each ticket's outcome."""
    actor = info.context.require_actor()

    async def run() -> tuple[Selected, list[Outcome]]:
        selected = _selected(info, ids)
        outcome = await batch.run_batch(
            actor,
            action(),
            [pk for pk in selected.values() if pk is not None],
            limit=info.context.settings.batch_sync_limit,
        )
        return selected, outcome

    def done(ran: tuple[Selected, list[Outcome]]) -> P:
        selected, outcomes = ran
        by_pk = {o.ticket_id: o for o in outcomes}
        results = [_result(info, g, by_pk.get(pk) if pk else None) for g, pk in selected.items()]
        succeeded = sum(r.ok for r in results)
        return payload(results=results, succeeded=succeeded, failed=len(results) - succeeded)

    return await mutate(payload, run, done)


async def batch_transfer_tickets(
    info: Info,
    input: Annotated[
        BatchTransferTicketsInput,
        strawberry.argument(description="The tickets and where to transfer them."),
    ],
) -> BatchTransferTicketsPayload:
    return await _batch_mutation(
        info,
        BatchTransferTicketsPayload,
        input.ids,
        lambda: batch.Transfer(
            user_ids=tuple(decode_ids(input.user_ids or [], "User", ["userIds"])),
            group_id=decode_optional_id(input.group_id, "Group", ["groupId"]),
            step_key=input.step_key,
            comment=input.comment,
        ),
    )


async def batch_close_tickets(
    info: Info,
    input: Annotated[
        BatchCloseTicketsInput, strawberry.argument(description="The tickets to close.")
    ],
) -> BatchCloseTicketsPayload:
    return await _batch_mutation(
        info,
        BatchCloseTicketsPayload,
        input.ids,
        lambda: batch.Close(
            comment=input.comment,
            create_follow_up=input.create_follow_up,
            public_url=info.context.settings.public_url,
        ),
    )


async def batch_assign_tickets(
    info: Info,
    input: Annotated[
        BatchAssignTicketsInput, strawberry.argument(description="The tickets and who takes them.")
    ],
) -> BatchAssignTicketsPayload:
    return await _batch_mutation(
        info,
        BatchAssignTicketsPayload,
        input.ids,
        lambda: batch.Assign(
            user_id=decode_id(input.user_id, "User", ["userId"]), comment=input.comment
        ),
    )


async def batch_change_ticket_owner(
    info: Info,
    input: Annotated[
        BatchChangeTicketOwnerInput,
        strawberry.argument(description="The tickets and their new person in charge."),
    ],
) -> BatchChangeTicketOwnerPayload:
    return await _batch_mutation(
        info,
        BatchChangeTicketOwnerPayload,
        input.ids,
        lambda: batch.ChangeOwner(
            user_id=decode_id(input.user_id, "User", ["userId"]), comment=input.comment
        ),
    )


async def batch_delete_tickets(
    info: Info,
    input: Annotated[
        BatchDeleteTicketsInput, strawberry.argument(description="The tickets to delete.")
    ],
) -> BatchDeleteTicketsPayload:
    return await _batch_mutation(info, BatchDeleteTicketsPayload, input.ids, batch.Delete)


async def batch_urge_tickets(
    info: Info,
    input: Annotated[
        BatchUrgeTicketsInput, strawberry.argument(description="The tickets to urge.")
    ],
) -> BatchUrgeTicketsPayload:
    return await _batch_mutation(
        info, BatchUrgeTicketsPayload, input.ids, lambda: batch.Urge(comment=input.comment)
    )


async def assign_with_quota(
    info: Info,
    input: Annotated[
        AssignWithQuotaInput,
        strawberry.argument(description="The tickets, the agents and their quotas."),
    ],
) -> AssignWithQuotaPayload:
    actor = info.context.require_actor()

    async def run() -> tuple[Selected, quotas.QuotaResult]:
        selected = _selected(info, input.ids)
        wanted = [
            quotas.Quota(decode_id(q.user_id, "User", ["quotas", str(n), "userId"]), q.amount)
            for n, q in enumerate(input.quotas)
        ]
        outcome = await quotas.assign_with_quota(
            actor,
            ticket_ids=[pk for pk in selected.values() if pk is not None],
            quotas=wanted,
            split_evenly=input.even_split,
            total=input.total,
            comment=input.comment,
            limit=info.context.settings.batch_sync_limit,
            dry_run=input.dry_run,
        )
        return selected, outcome

    def done(ran: tuple[Selected, quotas.QuotaResult]) -> AssignWithQuotaPayload:
        selected, result = ran
        by_pk = {o.ticket_id: o for o in result.outcomes}
        # Listed in your order; the tickets no quota asked for have no outcome and are left out.
        results = [
            _result(info, g, by_pk.get(pk) if pk else None)
            for g, pk in selected.items()
            if pk is None or pk in by_pk
        ]
        return AssignWithQuotaPayload(
            # Ids that name no ticket were selected too: as unknown as tickets you may not see.
            selected=len(selected),
            available=result.available,
            assigned=result.assigned,
            unassigned=result.unassigned,
            shares=[
                QuotaShare(user=UserType.of(s.user), quota=s.quota, assigned=s.assigned)
                for s in result.shares
            ],
            results=results,
        )

    return await mutate(AssignWithQuotaPayload, run, done)


async def quota_candidates(
    info: Info,
    department_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="Only users in this department or one below it."),
    ] = None,
    group_id: Annotated[
        strawberry.ID | None, strawberry.argument(description="Only members of this group.")
    ] = None,
    role: Annotated[
        Role | None,
        strawberry.argument(description="Only users with this role (whose roles you may read)."),
    ] = None,
    name: Annotated[
        str | None,
        strawberry.argument(description="Part of the username or display name."),
    ] = None,
    first: Annotated[
        int | None,
        strawberry.argument(description="At most this many users, 1 to 500; 100 by default."),
    ] = None,
) -> list[UserType]:
    actor = info.context.require_actor()
    users = await quotas.quota_candidates(
        actor,
        department_id=decode_optional_id(department_id, "Department", ["departmentId"]),
        group_id=decode_optional_id(group_id, "Group", ["groupId"]),
        role=None if role is None else Role(role),
        name=name,
        limit=quotas.DEFAULT_CANDIDATES if first is None else first,
    )
    return [UserType.of(u) for u in users]
