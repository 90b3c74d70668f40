"""Root fields of the batch domain: batch actions, quotas, and jobs (batch, export, import)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from workorder.resolvers.batch import batch
from workorder.resolvers.batch import jobs as job_resolvers
from workorder.schema.batch.jobs import (
    CancelJobPayload,
    JobConnection,
    JobType,
    StartBatchJobPayload,
    StartExportPayload,
    StartImportPayload,
)
from workorder.schema.batch.types import (
    AssignWithQuotaPayload,
    BatchAssignTicketsPayload,
    BatchChangeTicketOwnerPayload,
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
    batch_change_ticket_owner: BatchChangeTicketOwnerPayload = strawberry.mutation(
        resolver=batch.batch_change_ticket_owner, extensions=authenticated(), description=BATCH
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


@strawberry.type
class JobQuery:
    jobs: JobConnection = strawberry.field(
        resolver=job_resolvers.jobs_query,
        extensions=authenticated(),
        description="Your jobs (an admin: all of the tenant's), newest first.",
    )
    job: JobType | None = strawberry.field(
        resolver=job_resolvers.job_query,
        extensions=authenticated(),
        description="One of your jobs (an admin: any of the tenant's); null if not.",
    )


@strawberry.type
class JobMutation:
    start_batch_job: StartBatchJobPayload = strawberry.mutation(
        resolver=job_resolvers.start_batch_job,
        extensions=authenticated(),
        description=(
            "Needs the ticket.batch permission. A job that applies the action to every "
            "ticket matching the list query, as the single action would, each in its own "
            "transaction; a refused ticket is listed in the job's errors."
        ),
    )
    start_export: StartExportPayload = strawberry.mutation(
        resolver=job_resolvers.start_export,
        extensions=authenticated(),
        description=(
            "Needs the ticket.export permission. A job that writes every ticket the list "
            "query matches, as you may see them when it runs, to an XLSX workbook (or a ZIP "
            "of CSV files): the ticket sheet and the urge, return, note, transfer and call "
            "records. Download the job's `file` when it is DONE."
        ),
    )
    start_import: StartImportPayload = strawberry.mutation(
        resolver=job_resolvers.start_import,
        extensions=authenticated(),
        description=(
            "Needs the ticket.import permission. A file that cannot be imported at all (not "
            "CSV/XLSX, no rows, a required column missing) is refused here and starts "
            "nothing; otherwise a job creates one ticket per row, each like createTicket "
            "with source IMPORT, and lists the rows it refused in its errors."
        ),
    )
    cancel_job: CancelJobPayload = strawberry.mutation(
        resolver=job_resolvers.cancel_job,
        extensions=authenticated(),
        description="Stop a queued or running job before its next ticket (CONFLICT if done).",
    )


@strawberry.type
class JobSubscription:
    job_progress: AsyncGenerator[JobType, None] = strawberry.subscription(
        resolver=job_resolvers.job_progress,
        extensions=authenticated(),
        description="A long job's progress: its state now (sent once the stream is live), then "
        "until it finishes.",
    )
