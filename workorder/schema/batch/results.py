"""Typed answers about a job: its kind as an enum, what it produced (a union of results) and
its per-item failures, with global ids where the stored JSON holds database ids.

The stored `Job.result` and `Job.errors` stay as they are (the executor and the kinds write
them); these types read them. A batch job's tickets and a failure's ticket are shown only as
the viewer may see them NOW, through the one visibility rule (`auth.visibility`, via the
request's `visible_tickets` loader), so a job never shows a ticket its viewer may not open.

Both lists are paged by position in lists the job already holds (its frozen ticket ids, its
errors), not by a query of their own: the ids can be more than a database accepts as
parameters of one IN, so they are read in windows. The cursors look like `paginate`'s.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, TypeAlias, TypeVar

import strawberry

from workorder.auth.visibility import visible_tickets
from workorder.errors import ErrorCode, FlowError
from workorder.flows.batch import quotas
from workorder.flows.batch.batch import BatchKind
from workorder.flows.batch.jobs import BatchJob, batch_kind_name
from workorder.flows.exports import exports, imports
from workorder.flows.exports.files import export_file_of
from workorder.flows.reports import download as report_files
from workorder.flows.webhooks import outbox as webhook_outbox
from workorder.models import Job, User
from workorder.paging import Answer, page_size
from workorder.schema.context import Info
from workorder.schema.describe import described_enum
from workorder.schema.errors import ErrorCodeEnum
from workorder.schema.node import to_global_id
from workorder.schema.org.types import UserType
from workorder.schema.pagination import (
    AfterArg,
    BeforeArg,
    Connection,
    Edge,
    FirstArg,
    LastArg,
    PageInfo,
    decode_cursor,
    encode_cursor,
)
from workorder.schema.tickets.types import TicketType
from workorder.schema.views.types import TicketConnection

T = TypeVar("T")
C = TypeVar("C", bound=Connection[Any])

WINDOW = 500  # ids read per visibility query while paging a job's tickets (one IN each)


@dataclass(frozen=True, slots=True)
class Paging:
    """A connection field's four paging arguments, as given."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


class JobKindValue(Enum):
    """Every kind of job `jobs.registry.job_kinds` registers, by its stored name (from the
    kinds' own constants, so a renamed kind cannot drift from its enum value)."""

    BATCH_TRANSFER = batch_kind_name(BatchKind.TRANSFER)
    BATCH_CLOSE = batch_kind_name(BatchKind.CLOSE)
    BATCH_ASSIGN = batch_kind_name(BatchKind.ASSIGN)
    BATCH_DELETE = batch_kind_name(BatchKind.DELETE)
    BATCH_URGE = batch_kind_name(BatchKind.URGE)
    BATCH_CHANGE_OWNER = batch_kind_name(BatchKind.CHANGE_OWNER)
    EXPORT_TICKETS = exports.KIND
    IMPORT_TICKETS = imports.KIND
    EXPORT_REPORT = report_files.KIND
    WEBHOOK_DELIVERY = webhook_outbox.KIND


JobKindEnum = strawberry.enum(
    JobKindValue, name="JobKind", description="What a long job does (Job.type)."
)
described_enum(
    JobKindEnum,
    {
        JobKindValue.BATCH_TRANSFER: "startBatchJob TRANSFER: transfers each ticket.",
        JobKindValue.BATCH_CLOSE: "startBatchJob CLOSE: closes each ticket.",
        JobKindValue.BATCH_ASSIGN: "startBatchJob ASSIGN: assigns each ticket.",
        JobKindValue.BATCH_DELETE: "startBatchJob DELETE: deletes each ticket.",
        JobKindValue.BATCH_URGE: "startBatchJob URGE: urges each ticket.",
        JobKindValue.BATCH_CHANGE_OWNER: (
            "startBatchJob CHANGE_OWNER: gives each ticket another person in charge."
        ),
        JobKindValue.EXPORT_TICKETS: "startExport: writes tickets to a file.",
        JobKindValue.IMPORT_TICKETS: "startImport: creates a ticket per row of a file.",
        JobKindValue.EXPORT_REPORT: "startReportExport: writes a ticket report to a file.",
        JobKindValue.WEBHOOK_DELIVERY: (
            "Sends one webhook delivery; never listed as a job (see webhookDeliveries)."
        ),
    },
)
BATCH_KINDS = frozenset(batch_kind_name(k) for k in BatchKind)


def code_of(stored: Any) -> ErrorCode:
    """A stored error's code as the one error enum; an unexpected failure is ours."""
    try:
        return ErrorCode(stored)
    except ValueError:
        return ErrorCode.INTERNAL_SERVER_ERROR


async def _page(
    keys: Sequence[int],
    fetch: Callable[[Sequence[int]], Awaitable[list[T | None]]],
    count: Callable[[], Awaitable[int]],
    connection: type[C],
    paging: Paging,
) -> C:
    """A page of the items at ascending positive `keys` that `fetch` does not drop (None),
    read a window at a time; the same limits, cursors and Relay rules as `paginate`."""
    size, backwards = page_size(paging.first, paging.last)
    start = bisect_right(keys, decode_cursor(paging.after, "after")[1]) if paging.after else 0
    end = bisect_left(keys, decode_cursor(paging.before, "before")[1]) if paging.before else None
    stop = len(keys) if end is None else max(end, start)

    async def kept(lo: int, hi: int, wanted: int, from_end: bool) -> list[tuple[int, T]]:
        """Up to `wanted` kept items of keys[lo:hi], nearest the given end first."""
        found: list[tuple[int, T]] = []
        while lo < hi and len(found) < wanted:
            step = max(WINDOW, wanted)
            window = keys[max(lo, hi - step) : hi] if from_end else keys[lo : min(hi, lo + step)]
            items = zip(window, await fetch(window), strict=True)
            got = [(k, item) for k, item in items if item is not None]
            found += reversed(got) if from_end else got
            hi, lo = (hi - len(window), lo) if from_end else (hi, lo + len(window))
        return found[:wanted]

    def any_kept(lo: int, hi: int) -> Answer:
        async def ask() -> bool:
            return bool(await kept(lo, hi, 1, False))

        return ask if lo < hi else False

    found = await kept(start, stop, size + 1, backwards)
    page = found[:size]
    if backwards:
        page.reverse()
    edges = [Edge(node=item, cursor=encode_cursor(k, k)) for k, item in page]
    more = len(found) > size
    return connection(
        edges=edges,
        page_info=PageInfo(
            more_after=any_kept(stop, len(keys)) if backwards else more,
            more_before=more if backwards else any_kept(0, start),
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )


@strawberry.type(name="JobFile", description="The file a finished export made.")
class JobFileType:
    filename: str = strawberry.field(description="Name to save the file under.")
    size: int = strawberry.field(description="Size in bytes.")
    content_type: str = strawberry.field(
        description="Its media type (XLSX workbook, or application/zip for CSV files)."
    )
    download_url: str = strawberry.field(
        description="Path of GET /jobs/{id}/file, relative to the API's origin; send the "
        "same bearer token as to /graphql (a ticket export needs ticket.export)."
    )

    @classmethod
    def of(cls, job: Job) -> JobFileType | None:
        found = export_file_of(job)
        if found is None:
            return None
        return cls(
            filename=found.filename,
            size=found.size,
            content_type=found.content_type,
            download_url=f"/jobs/{to_global_id('Job', job.id)}/file",
        )


@strawberry.type(description="One item a job could not do (or why the whole job stopped).")
class JobFailure:
    ticket_id: strawberry.ID | None = strawberry.field(
        description="A batch job's ticket (a Ticket id); null for other jobs and for a "
        "failure of the whole job."
    )
    row: int | None = strawberry.field(
        description="An import's row number in the file (the header is row 1); null otherwise."
    )
    code: ErrorCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why, from the one list of error codes; INTERNAL_SERVER_ERROR when it "
        "broke unexpectedly (logged on the server)."
    )
    message: str = strawberry.field(description="Why, for a person.")
    field: list[str] | None = strawberry.field(
        description="The input path (or, for an import, the file's column) it was about."
    )
    ticket_pk: strawberry.Private[int | None]

    @classmethod
    def of(cls, stored: dict[str, Any]) -> JobFailure:
        ticket = stored.get("ticketId")
        row = stored.get("row")
        field = stored.get("field")
        return cls(
            ticket_id=to_global_id("Ticket", ticket) if isinstance(ticket, int) else None,
            row=row if isinstance(row, int) else None,
            code=code_of(stored.get("code")),
            message=str(stored.get("message", "")),
            field=[str(f) for f in field] if isinstance(field, list) and field else None,
            ticket_pk=ticket if isinstance(ticket, int) else None,
        )

    @strawberry.field(
        description="The ticket as you may see it now; null if you may not (or none)."
    )
    async def ticket(self, info: Info) -> TicketType | None:
        if self.ticket_pk is None:
            return None
        found = await info.context.visible_tickets.load(self.ticket_pk)
        return TicketType.of(found, info.context) if found else None


@strawberry.type(description="A page of a job's failures, in the order they happened.")
class JobFailureConnection(Connection[JobFailure]):
    pass


async def failures_of(job: Job, paging: Paging) -> JobFailureConnection:
    stored = [e for e in job.errors or [] if isinstance(e, dict)]
    failures = [JobFailure.of(e) for e in stored]

    async def fetch(window: Sequence[int]) -> list[JobFailure | None]:
        return [failures[n - 1] for n in window]

    async def count() -> int:
        return len(failures)

    positions = list(range(1, len(failures) + 1))
    return await _page(positions, fetch, count, JobFailureConnection, paging)


@strawberry.type(
    description="One agent's part of an ASSIGN job with quotas (startBatchJob): asked for, "
    "set aside from what was left when the job ran, and assigned so far."
)
class AgentShare:
    quota: int = strawberry.field(
        description="How many the agent was to get (an even share; the rest: what the typed "
        "quotas left of the waiting tickets when the job ran)."
    )
    dealt: int = strawberry.field(
        description="Tickets set aside for the agent from those waiting when the job ran."
    )
    assigned: int = strawberry.field(
        description="Of them, assigned so far (a ticket claimed meanwhile is not; see failures)."
    )
    short: int = strawberry.field(
        description="How many the quota asked for beyond what was left when the job ran: "
        "quota minus dealt, 0 when it was filled."
    )
    user_pk: strawberry.Private[int]
    tenant_pk: strawberry.Private[int]

    @strawberry.field(description="The agent; null if no longer a user of the tenant.")
    async def user(self) -> UserType | None:
        found = await User.filter(id=self.user_pk, tenant_id=self.tenant_pk).first()
        return UserType.of(found) if found else None


def _per_agent(job: Job, ids: list[int]) -> list[AgentShare] | None:
    """The quota plan of an ASSIGN job, re-made from its frozen tickets (the same plan the
    job worked by), with the items through so far; None for any other job."""
    if job.kind != batch_kind_name(BatchKind.ASSIGN):
        return None
    try:
        action = BatchJob(BatchKind.ASSIGN).action(job.params or {})
    except FlowError:  # stored arguments this version cannot read: nothing to tell
        return None
    if not isinstance(action, quotas.AssignByQuota):
        return None
    failed = [e["ticketId"] for e in job.errors or [] if isinstance(e, dict) and "ticketId" in e]
    plans = quotas.agent_plans(action, ids, job.done + job.failed, failed)
    return [
        AgentShare(
            quota=p.quota,
            dealt=p.dealt,
            assigned=p.assigned,
            short=p.short,
            user_pk=p.user_id,
            tenant_pk=job.tenant_id,
        )
        for p in plans
    ]


@strawberry.type(description="What a batch job (startBatchJob) did to its tickets.")
class BatchJobResult:
    succeeded: int = strawberry.field(description="Tickets the action was done to so far.")
    failed: int = strawberry.field(description="Tickets left as they were (see failures).")
    per_agent: list[AgentShare] | None = strawberry.field(
        default=None,
        description="An ASSIGN job with quotas: each agent's share, by user id; null for "
        "other jobs.",
    )
    ids: strawberry.Private[list[int]] = strawberry.field(default_factory=list)

    @strawberry.field(
        description="The job's tickets (fixed when it started), ascending, as you may see them "
        "now: one you may not see is left out, and so is a deleted one."
    )
    async def tickets(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> TicketConnection:
        context = info.context

        async def fetch(window: Sequence[int]) -> list[TicketType | None]:
            found = await context.visible_tickets.load_many(window)
            return [TicketType.of(t, context) if t else None for t in found]

        async def count() -> int:
            visible = await visible_tickets(context.require_actor(), await context.reach())
            if len(self.ids) <= WINDOW:
                return await visible.filter(id__in=self.ids).count()
            # A long IN list costs more to build than the rows cost to read: the visible
            # ids in the job's range, matched here (the job's tickets are most of them).
            seen = visible.filter(id__gte=self.ids[0], id__lte=self.ids[-1])
            return len(set(self.ids).intersection(await seen.values_list("id", flat=True)))

        paging = Paging(first, after, last, before)
        return await _page(self.ids, fetch, count, TicketConnection, paging)


@strawberry.type(description="What an export (startExport, startReportExport) made.")
class ExportJobResult:
    rows: int = strawberry.field(
        description="Tickets written to the ticket sheet (a report: its rows, totals aside)."
    )
    file: JobFileType | None = strawberry.field(
        description="The file to download (see JobFile.downloadUrl)."
    )


@strawberry.type(description="What an import (startImport) did with the file's rows.")
class ImportJobResult:
    created: int = strawberry.field(description="Rows that became tickets so far.")
    refused: int = strawberry.field(
        description="Rows refused, creating nothing (see failures for each row and why)."
    )
    ignored_columns: list[str] = strawberry.field(
        description="The file's columns that match no ticket field and were not read."
    )


JobResult: TypeAlias = Annotated[
    BatchJobResult | ExportJobResult | ImportJobResult,
    strawberry.union("JobResult", description="What a job produced, by its kind."),
]


def outcome_of(job: Job) -> BatchJobResult | ExportJobResult | ImportJobResult | None:
    """The typed result, once the stored one says something: a batch job's tickets once it
    has started, an export's file once it is done, an import's columns from the start."""
    stored: dict[str, Any] = job.result if isinstance(job.result, dict) else {}
    if job.kind in BATCH_KINDS and isinstance(stored.get("ids"), list):
        frozen = [i for i in stored["ids"] if isinstance(i, int)]
        ids = sorted(set(frozen))
        return BatchJobResult(
            succeeded=job.done, failed=job.failed, per_agent=_per_agent(job, frozen), ids=ids
        )
    if job.kind in (exports.KIND, report_files.KIND) and isinstance(stored.get("rows"), int):
        return ExportJobResult(rows=stored["rows"], file=JobFileType.of(job))
    if job.kind == imports.KIND and "ignoredColumns" in stored:
        columns = stored["ignoredColumns"]
        return ImportJobResult(
            created=job.done,
            refused=job.failed,
            ignored_columns=[str(c) for c in columns] if isinstance(columns, list) else [],
        )
    return None
