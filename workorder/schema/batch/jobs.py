"""The GraphQL types of long jobs (batch actions, exports, imports): the job, its list,
and the inputs and payloads of starting and cancelling one."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from workorder.flows.batch.batch import BatchKind
from workorder.flows.exports.columns import RecordSheet
from workorder.flows.views.lists import View
from workorder.models import Job, JobStatus
from workorder.schema.batch.results import (
    JobFailureConnection,
    JobFileType,
    JobKindEnum,
    JobKindValue,
    JobResult,
    Paging,
    failures_of,
    outcome_of,
)
from workorder.schema.batch.types import QuotaInput
from workorder.schema.describe import described_enum
from workorder.schema.errors import UserError
from workorder.schema.node import Node, to_global_id
from workorder.schema.pagination import AfterArg, BeforeArg, Connection, FirstArg, LastArg
from workorder.schema.views.types import TicketFilterInput, TicketViewEnum
from workorder.sheets.cells import SheetFormat

REMOVAL = "Removal after 2027-06-01"

JobStatusEnum = strawberry.enum(
    JobStatus, name="JobStatus", description="Where a long job is in its life."
)
ExportFormatEnum = strawberry.enum(
    SheetFormat,
    name="ExportFormat",
    description="XLSX: one workbook, a sheet each. CSV: a ZIP of one UTF-8 CSV per sheet.",
)
ExportSheetEnum = strawberry.enum(
    RecordSheet, name="ExportSheet", description="A record sheet next to the ticket sheet."
)
# The domain's enums cannot carry GraphQL descriptions (models/, flows/ and sheets/ know no
# strawberry).
described_enum(
    JobStatusEnum,
    {
        JobStatus.QUEUED: "Waiting for a runner to take it.",
        JobStatus.RUNNING: "Being worked; done and failed grow as it goes.",
        JobStatus.DONE: "Finished: every item was tried (some may have failed; see errors).",
        JobStatus.FAILED: "Stopped by an error outside any one item (see errors); not resumed.",
        JobStatus.CANCELLED: "Stopped by cancelJob; what was done before stays done.",
    },
)
described_enum(
    ExportFormatEnum,
    {
        SheetFormat.XLSX: "One Excel workbook (.xlsx), a worksheet per sheet. The default.",
        SheetFormat.CSV: "A ZIP of UTF-8 CSV files, one per sheet.",
    },
)
described_enum(
    ExportSheetEnum,
    {
        RecordSheet.URGES: "Every urge of the exported tickets, with the priority before/after.",
        RecordSheet.RETURNS: "Every return of the exported tickets.",
        RecordSheet.NOTES: "Every note added to the exported tickets.",
        RecordSheet.TRANSFERS: "Every transfer of the exported tickets.",
        RecordSheet.CALLS: "Every call (interaction) linked to the exported tickets.",
    },
)


@strawberry.type(name="Job", description="A long job and how far it has come.")
class JobType(Node):
    model: strawberry.Private[Job]
    kind: str = strawberry.field(
        description="What the job does: batch.transfer, batch.close, batch.assign, "
        "batch.delete, batch.urge, batch.change_owner, export.tickets or import.tickets.",
        deprecation_reason=f"A string. {REMOVAL}; use type.",
    )
    status: JobStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where the job is in its life."
    )
    total: int = strawberry.field(
        description="How many items (tickets, rows) it works; 0 until they are counted."
    )
    done: int = strawberry.field(
        description="Items finished so far: for a batch job or an import, those that "
        "succeeded (failed counts the others); for an export, the tickets written."
    )
    failed: int = strawberry.field(
        description="Items that failed so far (all counted; errors keeps the first 1,000)."
    )
    created_at: datetime = strawberry.field(description="When the job was started.")
    started_at: datetime | None = strawberry.field(
        description="When a runner first took it; null while QUEUED."
    )
    finished_at: datetime | None = strawberry.field(
        description="When it became DONE, FAILED or CANCELLED; null before."
    )

    @classmethod
    def of(cls, job: Job) -> JobType:
        return cls(
            id=to_global_id("Job", job.id),
            model=job,
            kind=job.kind,
            status=job.status,
            total=job.total,
            done=job.done,
            failed=job.failed,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )

    @strawberry.field(description="What the job does.")
    def type(self) -> JobKindEnum:  # type: ignore[valid-type]
        return JobKindValue(self.model.kind)

    @strawberry.field(
        description="What the job produced, typed by its kind; null until there is something "
        "to tell (a batch job that has not started, an export that is not DONE)."
    )
    def outcome(self) -> JobResult | None:
        return outcome_of(self.model)

    @strawberry.field(
        description="Per-item failures (and a failure of the whole job), in the order they "
        "happened; the first 1,000 are kept (failed counts them all)."
    )
    async def failures(
        self,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> JobFailureConnection:
        return await failures_of(self.model, Paging(first, after, last, before))

    @strawberry.field(
        description="Per-item failures: what went wrong where.",
        deprecation_reason=f"Untyped JSON with database ids. {REMOVAL}; use failures.",
    )
    def errors(self) -> JSON:
        return self.model.errors  # type: ignore[return-value]

    @strawberry.field(
        description="What the job produced, as a JSON object: the items it works (ids), an "
        "export's row count (rows), an import's ignored columns (ignoredColumns).",
        deprecation_reason=f"Untyped JSON with database ids. {REMOVAL}; use outcome.",
    )
    def result(self) -> JSON:
        return self.model.result  # type: ignore[return-value]

    @strawberry.field(description="A finished export's file; null for other jobs.")
    def file(self) -> JobFileType | None:
        return JobFileType.of(self.model)


@strawberry.type(description="A page of jobs, newest first.")
class JobConnection(Connection[JobType]):
    pass


BatchJobActionEnum = strawberry.enum(
    BatchKind, name="BatchJobAction", description="The batch action a job applies to each ticket."
)
described_enum(
    BatchJobActionEnum,
    {
        BatchKind.TRANSFER: "transferTicket: to userIds, groupId and/or stepKey.",
        BatchKind.CLOSE: "closeTicket, with the comment (and createFollowUp).",
        BatchKind.ASSIGN: "assignTicket: to userId, or by quotas (evenSplit, total, "
        "restUserId) among agents, as assignWithQuota over the tickets still waiting when "
        "the job runs.",
        BatchKind.DELETE: "deleteTicket: hidden everywhere, kept for the record.",
        BatchKind.URGE: "urgeTicket: priority one level up, the one who must act is told.",
        BatchKind.CHANGE_OWNER: "changeTicketOwner: to userId, under the same rule.",
    },
)


@strawberry.input
class ListQueryInput:
    """The list query a job works on (the fields of `tickets` that choose tickets)."""

    view: TicketViewEnum = strawberry.field(  # type: ignore[valid-type]
        default=View.ALL, description="The preset list (as tickets(view:)); ALL by default."
    )
    saved_view_id: strawberry.ID | None = strawberry.field(
        default=None, description="Use a saved view's view and filter (then give no filter)."
    )
    filter: TicketFilterInput | None = strawberry.field(
        default=None, description="Conditions the tickets must meet (as tickets(filter:))."
    )
    search: str | None = strawberry.field(
        default=None, description="Words to search the tickets for (as tickets(search:))."
    )


@strawberry.input(
    description=(
        "A batch action on every ticket a list query matches (a preset or saved view, a "
        "filter, a search), each as the single action would do it. The tickets are fixed "
        "when the job starts; follow it with jobProgress."
    )
)
class StartBatchJobInput(ListQueryInput):
    action: BatchJobActionEnum = strawberry.field(  # type: ignore[valid-type]
        description="What to do to each ticket."
    )
    user_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="TRANSFER: to these users."
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="TRANSFER: to this group."
    )
    step_key: str | None = strawberry.field(default=None, description="TRANSFER: at this step.")
    user_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="ASSIGN: to this user (or give quotas); CHANGE_OWNER (required): the "
        "new person in charge.",
    )
    quotas: list[QuotaInput] | None = strawberry.field(
        default=None,
        description="ASSIGN instead of userId: the agents and their quotas, shared out of the "
        "matching tickets still waiting for an assignee when the job runs. A quota larger "
        "than what is left then is reported per agent (outcome perAgent), not refused.",
    )
    even_split: bool = strawberry.field(
        default=False,
        description="ASSIGN with quotas: split evenly (amounts left out); the remainder goes "
        "to the first agents by id.",
    )
    total: int | None = strawberry.field(
        default=None,
        description="ASSIGN with quotas: how many to assign (evenSplit: default all that is "
        "left; typed quotas must add up to it).",
    )
    rest_user_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="ASSIGN with typed quotas: this agent (one of quotas, amount left out) "
        "takes whatever the other quotas leave when the job runs.",
    )
    comment: str = strawberry.field(
        default="", description="TRANSFER, CLOSE, ASSIGN, URGE, CHANGE_OWNER."
    )
    create_follow_up: bool | None = strawberry.field(
        default=None, description="CLOSE, end action AGENT_DECIDES: open a follow-up ticket."
    )


JOB = "The job; null when refused."
ERRORS = "Why nothing was started or changed; empty on success."


@strawberry.type(description="The batch job started, or why not (errors).")
class StartBatchJobPayload:
    job: JobType | None = strawberry.field(
        default=None, description=f"{JOB} Follow it with jobProgress."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS)


@strawberry.input(description="The job to cancel.")
class CancelJobInput:
    id: strawberry.ID = strawberry.field(
        description="The job: one you started (an administrator: any of the tenant's)."
    )


@strawberry.type(description="The job cancelled, or why not (errors).")
class CancelJobPayload:
    job: JobType | None = strawberry.field(default=None, description=JOB)
    errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS)


@strawberry.input(
    description=(
        "Export every ticket a list query matches (as you may see them) to a workbook: a "
        "ticket sheet and record sheets. Follow the job with jobProgress; its `file` is the "
        "download."
    )
)
class StartExportInput(ListQueryInput):
    format: ExportFormatEnum = strawberry.field(  # type: ignore[valid-type]
        default=SheetFormat.XLSX, description="The file's format; XLSX by default."
    )
    columns: list[str] | None = strawberry.field(
        default=None,
        description="The ticket sheet's columns (system column names or field.<key>); "
        "default: the tenant's exportColumns setting.",
    )
    sheets: list[ExportSheetEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The record sheets; default: all of them."
    )
    time_zone: str = strawberry.field(
        default="UTC", description="Times are written in this IANA time zone."
    )


@strawberry.type(description="The export job started, or why not (errors).")
class StartExportPayload:
    job: JobType | None = strawberry.field(
        default=None, description=f"{JOB} Its file is the download once DONE."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS)


@strawberry.input(
    description=(
        "Create tickets of a template from the rows of an uploaded CSV or XLSX file (upload "
        "it with uploadAttachment first). Columns are matched by name: title, description, "
        "priority, customer (phone or name), group, and custom fields by key or label. A bad "
        "row is listed in the job's errors with its row number and creates nothing."
    )
)
class StartImportInput:
    template_id: strawberry.ID = strawberry.field(
        description="The template (a Template id) of the tickets to create."
    )
    file_id: strawberry.ID = strawberry.field(description="The uploaded file (an Attachment).")
    time_zone: str = strawberry.field(
        default="UTC", description="The zone of date-times written without one."
    )


@strawberry.type(description="The import job started, or why not (errors).")
class StartImportPayload:
    job: JobType | None = strawberry.field(
        default=None, description=f"{JOB} Refused rows are listed in its errors."
    )
    errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS)
