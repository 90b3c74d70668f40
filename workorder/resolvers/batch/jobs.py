"""Jobs: list and read them, start a batch job over a list query, cancel one, follow its
progress."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from workorder.errors import FlowError, invalid
from workorder.flows.batch import batch, jobs, quotas
from workorder.flows.batch.batch import BatchAction, BatchKind
from workorder.flows.exports import columns, exports, imports
from workorder.flows.live.jobs import job_stream
from workorder.flows.views import saved_views
from workorder.flows.views.lists import ListSpec, View
from workorder.jobs import starting
from workorder.jobs.registry import JobKinds
from workorder.jobs.starting import JobQueue
from workorder.models import Job, JobStatus
from workorder.resolvers.arguments import decode_id, decode_ids, decode_optional_id
from workorder.resolvers.payloads import mutate
from workorder.schema.batch.jobs import (
    CancelJobInput,
    CancelJobPayload,
    JobConnection,
    JobType,
    ListQueryInput,
    StartBatchJobInput,
    StartBatchJobPayload,
    StartExportInput,
    StartExportPayload,
    StartImportInput,
    StartImportPayload,
)
from workorder.schema.context import Info
from workorder.schema.pagination import AfterArg, BeforeArg, FirstArg, LastArg, paginate
from workorder.schema.views.filters import to_filter
from workorder.sheets.cells import SheetFormat
from workorder.storage import Storage


def _queue(info: Info) -> JobQueue | None:
    queue: JobQueue | None = getattr(info.context.request.app.state, "job_queue", None)
    return queue


def _kinds(info: Info) -> JobKinds:
    kinds: JobKinds = info.context.request.app.state.job_kinds
    return kinds


async def jobs_query(
    info: Info,
    status: Annotated[
        list[JobStatus] | None,
        strawberry.argument(description="Only jobs in one of these states; null: all."),
    ] = None,
    first: FirstArg = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
) -> JobConnection:
    actor = info.context.require_actor()
    query = jobs.my_jobs(actor, [JobStatus(s) for s in status or ()])
    return await paginate(
        query,
        JobType.of,
        JobConnection,
        first=first,
        after=after,
        last=last,
        before=before,
        descending=True,
    )


async def job_query(
    info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="The job's id.")]
) -> JobType | None:
    actor = info.context.require_actor()
    try:
        return JobType.of(await jobs.visible_job(actor, decode_id(id, "Job", ["id"])))
    except FlowError:
        return None  # unknown, or not yours: as null as a missing node


def _storage(info: Info) -> Storage:
    storage: Storage = info.context.request.app.state.storage
    return storage


async def _spec(info: Info, given: ListQueryInput) -> ListSpec:
    return await saved_views.list_spec(
        info.context.require_actor(),
        saved_view_id=decode_optional_id(given.saved_view_id, "SavedView", ["savedViewId"]),
        given=ListSpec(view=View(given.view), filter=to_filter(given.filter), search=given.search),
        filter_given=given.filter is not None,
        order_given=False,
    )


def _action(info: Info, given: StartBatchJobInput) -> BatchAction | quotas.AssignByQuota:
    kind = BatchKind(given.action)
    if kind == BatchKind.TRANSFER:
        return batch.Transfer(
            user_ids=tuple(decode_ids(given.user_ids or [], "User", ["userIds"])),
            group_id=decode_optional_id(given.group_id, "Group", ["groupId"]),
            step_key=given.step_key,
            comment=given.comment,
        )
    if kind == BatchKind.CLOSE:
        return batch.Close(
            comment=given.comment,
            create_follow_up=given.create_follow_up,
            public_url=info.context.settings.public_url,
        )
    if kind == BatchKind.ASSIGN and given.quotas is not None:
        if given.user_id is not None:
            raise invalid("ASSIGN takes a user or quotas, not both", ["userId"])
        return quotas.AssignByQuota(
            quotas=tuple(
                (decode_id(q.user_id, "User", ["quotas", str(n), "userId"]), q.amount)
                for n, q in enumerate(given.quotas)
            ),
            split_evenly=given.even_split,
            total=given.total,
            rest_user_id=decode_optional_id(given.rest_user_id, "User", ["restUserId"]),
            comment=given.comment,
        )
    if kind == BatchKind.ASSIGN:
        if given.user_id is None:
            raise invalid("ASSIGN needs the user to assign to", ["userId"])
        return batch.Assign(
            user_id=decode_id(given.user_id, "User", ["userId"]), comment=given.comment
        )
    if kind == BatchKind.CHANGE_OWNER:
        if given.user_id is None:
            raise invalid("CHANGE_OWNER needs the new person in charge", ["userId"])
        return batch.ChangeOwner(
            user_id=decode_id(given.user_id, "User", ["userId"]), comment=given.comment
        )
    if kind == BatchKind.DELETE:
        return batch.Delete()
    return batch.Urge(comment=given.comment)


async def start_batch_job(
    info: Info,
    input: Annotated[
        StartBatchJobInput, strawberry.argument(description="The list query and the action.")
    ],
) -> StartBatchJobPayload:
    async def action() -> Job:
        actor = info.context.require_actor()
        return await starting.start_batch_job(
            _kinds(info),
            actor,
            _action(info, input),
            await _spec(info, input),
            queue=_queue(info),
        )

    return await mutate(
        StartBatchJobPayload,
        action,
        lambda job: StartBatchJobPayload(job=JobType.of(job)),
    )


async def cancel_job(
    info: Info,
    input: Annotated[CancelJobInput, strawberry.argument(description="The job to cancel.")],
) -> CancelJobPayload:
    async def action() -> Job:
        actor = info.context.require_actor()
        return await starting.cancel_job(actor, decode_id(input.id, "Job", ["id"]))

    return await mutate(
        CancelJobPayload,
        action,
        lambda job: CancelJobPayload(job=JobType.of(job)),
    )


async def start_export(
    info: Info,
    input: Annotated[
        StartExportInput, strawberry.argument(description="The list query and the file to make.")
    ],
) -> StartExportPayload:
    async def action() -> Job:
        actor = info.context.require_actor()
        request = exports.ExportRequest(
            spec=await _spec(info, input),
            format=SheetFormat(input.format),
            columns=None if input.columns is None else tuple(input.columns),
            sheets=tuple(columns.RecordSheet)
            if input.sheets is None
            else tuple(columns.RecordSheet(s) for s in input.sheets),
            time_zone=input.time_zone,
        )
        return await starting.start_export(
            _kinds(info),
            actor,
            request,
            queue=_queue(info),
            storage=_storage(info),
        )

    return await mutate(
        StartExportPayload,
        action,
        lambda job: StartExportPayload(job=JobType.of(job)),
    )


async def start_import(
    info: Info,
    input: Annotated[
        StartImportInput, strawberry.argument(description="The template and the uploaded file.")
    ],
) -> StartImportPayload:
    async def action() -> Job:
        actor = info.context.require_actor()
        request = imports.ImportRequest(
            template_id=decode_id(input.template_id, "Template", ["templateId"]),
            attachment_id=decode_id(input.file_id, "Attachment", ["fileId"]),
            time_zone=input.time_zone,
        )
        return await starting.start_import(
            _kinds(info),
            actor,
            request,
            max_rows=info.context.settings.import_max_rows,
            queue=_queue(info),
            storage=_storage(info),
        )

    return await mutate(
        StartImportPayload,
        action,
        lambda job: StartImportPayload(job=JobType.of(job)),
    )


async def job_progress(
    info: Info,
    id: Annotated[
        strawberry.ID,
        strawberry.argument(
            description="The job: one you started (an administrator: any of the tenant's)."
        ),
    ],
) -> AsyncGenerator[JobType, None]:
    actor = info.context.require_actor()
    job_id = decode_id(id, "Job", ["id"])
    async for job in job_stream(actor, info.context.broker, job_id):
        info.context.fresh()
        yield JobType.of(job)
