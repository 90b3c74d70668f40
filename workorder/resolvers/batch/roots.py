"""Root fields of batch actions on selected tickets and of assignment by quota."""

from __future__ import annotations

import strawberry

from workorder.resolvers.batch import batch
from workorder.schema.batch.types import (
    AssignWithQuotaPayload,
    BatchAssignTicketsPayload,
    BatchCloseTicketsPayload,
    BatchDeleteTicketsPayload,
    BatchTransferTicketsPayload,
    BatchUrgeTicketsPayload,
)
from workorder.schema.org.types import UserType
from workorder.schema.permissions import authenticated

BATCH = (
    "Needs the ticket.batch permission. Each selected ticket goes through the single "
    "action's rules in its own transaction; the results say what happened to each."
)


@strawberry.type
class BatchQuery:
    quota_candidates: list[UserType] = strawberry.field(
        resolver=batch.quota_candidates,
        extensions=authenticated(),
        description=(
            "Active users to give quotas to, by user id: in the department (or below it), "
            "the group, with the role, whose name contains `name` — all that are given. "
            "Roles are private (see User.roles): the role matches only users whose roles "
            "you may read."
        ),
    )


@strawberry.type
class BatchMutation:
    batch_transfer_tickets: BatchTransferTicketsPayload = strawberry.mutation(
        resolver=batch.batch_transfer_tickets, extensions=authenticated(), description=BATCH
    )
    batch_close_tickets: BatchCloseTicketsPayload = strawberry.mutation(
        resolver=batch.batch_close_tickets, extensions=authenticated(), description=BATCH
    )
    batch_assign_tickets: BatchAssignTicketsPayload = strawberry.mutation(
        resolver=batch.batch_assign_tickets, extensions=authenticated(), description=BATCH
    )
    batch_delete_tickets: BatchDeleteTicketsPayload = strawberry.mutation(
        resolver=batch.batch_delete_tickets, extensions=authenticated(), description=BATCH
    )
    batch_urge_tickets: BatchUrgeTicketsPayload = strawberry.mutation(
        resolver=batch.batch_urge_tickets, extensions=authenticated(), description=BATCH
    )
    assign_with_quota: AssignWithQuotaPayload = strawberry.mutation(
        resolver=batch.assign_with_quota,
        extensions=authenticated(),
        description=(
            "Distribute the selected tickets still waiting for an assignee among agents by "
            "quota (typed, or split evenly); what no quota asks for stays waiting. "
            "Needs the ticket.batch permission; each assignment is assignTicket's."
        ),
    )
