"""The ticket report: GraphQL arguments to a flows.reports spec, and the report back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from workorder.flows.reports.download import KIND, ReportFileRequest
from workorder.flows.reports.reports import ticket_report
from workorder.flows.reports.spec import GroupBy, ReportFilter, ReportSpec, TimeBasis
from workorder.jobs.registry import JobKinds
from workorder.jobs.starting import JobQueue, enqueue
from workorder.models import Job, Role
from workorder.resolvers.arguments import decode_ids
from workorder.resolvers.payloads import mutate
from workorder.schema.batch.jobs import JobType
from workorder.schema.context import Info
from workorder.schema.reports.types import (
    ReportGroupByEnum,
    ReportTimeBasisEnum,
    StartReportExportInput,
    StartReportExportPayload,
    TicketReportFilterInput,
    TicketReportType,
)
from workorder.sheets.cells import SheetFormat
from workorder.storage import Storage


def to_filter(given: TicketReportFilterInput | None) -> ReportFilter:
    if given is None:
        return ReportFilter()

    def ids(values: list[strawberry.ID] | None, type_name: str, name: str) -> tuple[int, ...]:
        return tuple(decode_ids(values or [], type_name, ["filter", name]))

    return ReportFilter(
        role=None if given.role is None else Role(given.role),
        agent_ids=ids(given.agent_ids, "User", "agentIds"),
        template_ids=ids(given.template_ids, "Template", "templateIds"),
        group_ids=ids(given.group_ids, "Group", "groupIds"),
    )


async def ticket_report_query(
    info: Info,
    start: Annotated[datetime, strawberry.argument(name="from", description="Included.")],
    end: Annotated[datetime, strawberry.argument(name="to", description="Excluded.")],
    time_basis: Annotated[
        ReportTimeBasisEnum,  # type: ignore[valid-type]
        strawberry.argument(
            description="Which tickets the ticket figures count; CREATED by default."
        ),
    ] = TimeBasis.CREATED,
    group_by: Annotated[
        ReportGroupByEnum,  # type: ignore[valid-type]
        strawberry.argument(description="What a row stands for; AGENT by default."),
    ] = GroupBy.AGENT,
    filter: Annotated[
        TicketReportFilterInput | None,
        strawberry.argument(description="Narrows what is counted; null: everything you may see."),
    ] = None,
) -> TicketReportType:
    """Bad ranges are a top-level INVALID error with field ["to"]."""
    actor = info.context.require_actor()
    spec = ReportSpec(
        start=start,
        end=end,
        basis=TimeBasis(time_basis),
        group_by=GroupBy(group_by),
        filter=to_filter(filter),
    )
    report = await ticket_report(actor, await info.context.reach(), spec)
    return TicketReportType.of(report)


async def start_report_export(
    info: Info,
    input: Annotated[
        StartReportExportInput,
        strawberry.argument(description="The report, as ticketReport takes it, and the format."),
    ],
) -> StartReportExportPayload:
    async def action() -> Job:
        actor = info.context.require_actor()
        spec = ReportSpec(
            start=input.start,
            end=input.end,
            basis=TimeBasis(input.time_basis),
            group_by=GroupBy(input.group_by),
            filter=to_filter(input.filter),
        )
        request = ReportFileRequest(spec, SheetFormat(input.format))
        state = info.context.request.app.state
        kinds: JobKinds = state.job_kinds
        queue: JobQueue | None = getattr(state, "job_queue", None)
        storage: Storage = state.storage
        return await enqueue(kinds, actor, KIND, request.to_json(), queue=queue, storage=storage)

    return await mutate(
        StartReportExportPayload,
        action,
        lambda job: StartReportExportPayload(job=JobType.of(job)),
    )
