"""The GraphQL types of long jobs (batch actions, exports, imports): the job, its list,
and the inputs and payloads of starting and cancelling one."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from workorder.flows.batch.batch import BatchKind
from workorder.flows.exports.columns import RecordSheet
from workorder.flows.exports.files import export_file_of
from workorder.flows.views.lists import View
from workorder.models import Job, JobStatus
from workorder.schema.errors import UserError
from workorder.schema.node import Node, to_global_id
from workorder.schema.pagination import Connection
from workorder.schema.views.types import TicketFilterInput, TicketViewEnum
from workorder.sheets.cells import SheetFormat

JobStatusEnum = strawberry.enum(JobStatus, name="JobStatus")
ExportFormatEnum = strawberry.enum(
    SheetFormat,
    name="ExportFormat",
    description="XLSX: one workbook, a sheet each. CSV: a ZIP of one UTF-8 CSV per sheet.",
)
ExportSheetEnum = strawberry.enum(
    RecordSheet, name="ExportSheet", description="A record sheet next to the ticket sheet."
)


@strawberry.type(name="JobFile", description="The file a finished export made.")
class JobFileType:
    filename: str
    size: int
    content_type: str
    download_url: str = strawberry.field(
        description="Path of GET /jobs/{id}/file, relative to the API's origin; send the "
        "same bearer token as to /graphql (needs ticket.export)."
    )


@strawberry.type(name="Job", description="A long job and how far it has come.")
class JobType(Node):
    model: strawberry.Private[Job]
    kind: str
    status: JobStatusEnum  # type: ignore[valid-type]
    total: int
    done: int
    failed: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

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

    @strawberry.field(description="Per-item failures: what went wrong where.")
    def errors(self) -> JSON:
        return self.model.errors  # type: ignore[return-value]

    @strawberry.field
    def result(self) -> JSON:
        return self.model.result  # type: ignore[return-value]

    @strawberry.field(description="A finished export's file; null for other jobs.")
    def file(self) -> JobFileType | None:
        found = export_file_of(self.model)
        if found is None:
            return None
        return JobFileType(
            filename=found.filename,
            size=found.size,
            content_type=found.content_type,
            download_url=f"/jobs/{self.id}/file",
        )


@strawberry.type
class JobConnection(Connection[JobType]):
    pass


BatchJobActionEnum = strawberry.enum(
    BatchKind, name="BatchJobAction", description="The batch action a job applies to each ticket."
)


@strawberry.input
class ListQueryInput:
    """The list query a job works on (the fields of `tickets` that choose tickets)."""

    view: TicketViewEnum = View.ALL  # type: ignore[valid-type]
    saved_view_id: strawberry.ID | None = strawberry.field(
        default=None, description="Use a saved view's view and filter (then give no filter)."
    )
    filter: TicketFilterInput | None = None
    search: str | None = None


@strawberry.input(
    description=(
        "A batch action on every ticket a list query matches (a preset or saved view, a "
        "filter, a search), each as the single action would do it. The tickets are fixed "
        "when the job starts; follow it with jobProgress."
    )
)
class StartBatchJobInput(ListQueryInput):
    action: BatchJobActionEnum  # type: ignore[valid-type]
    user_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="TRANSFER: to these users."
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="TRANSFER: to this group."
    )
    step_key: str | None = strawberry.field(default=None, description="TRANSFER: at this step.")
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="ASSIGN (required): to this user."
    )
    comment: str = strawberry.field(default="", description="TRANSFER, CLOSE, ASSIGN, URGE.")
    create_follow_up: bool | None = strawberry.field(
        default=None, description="CLOSE, end action AGENT_DECIDES: open a follow-up ticket."
    )


@strawberry.type
class StartBatchJobPayload:
    job: JobType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CancelJobInput:
    id: strawberry.ID


@strawberry.type
class CancelJobPayload:
    job: JobType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(
    description=(
        "Export every ticket a list query matches (as you may see them) to a workbook: a "
        "ticket sheet and record sheets. Follow the job with jobProgress; its `file` is the "
        "download."
    )
)
class StartExportInput(ListQueryInput):
    format: ExportFormatEnum = SheetFormat.XLSX  # type: ignore[valid-type]
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


@strawberry.type
class StartExportPayload:
    job: JobType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(
    description=(
        "Create tickets of a template from the rows of an uploaded CSV or XLSX file (upload "
        "it with uploadAttachment first). Columns are matched by name: title, description, "
        "priority, customer (phone or name), group, and custom fields by key or label. A bad "
        "row is listed in the job's errors with its row number and creates nothing."
    )
)
class StartImportInput:
    template_id: strawberry.ID
    file_id: strawberry.ID = strawberry.field(description="The uploaded file (an Attachment).")
    time_zone: str = strawberry.field(
        default="UTC", description="The zone of date-times written without one."
    )


@strawberry.type
class StartImportPayload:
    job: JobType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
