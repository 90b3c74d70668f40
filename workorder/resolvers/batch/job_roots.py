"""Root fields of jobs: the caller's jobs, one job, starting a batch job, cancelling."""

from __future__ import annotations

import strawberry

from workorder.resolvers.batch import jobs as job_resolvers
from workorder.schema.batch.jobs import (
    CancelJobPayload,
    JobConnection,
    JobType,
    StartBatchJobPayload,
    StartExportPayload,
    StartImportPayload,
)
from workorder.schema.permissions import authenticated


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
