"""GraphQL types of the ticket report (the figures are defined in workorder.flows.reports)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from workorder.flows.reports.spec import Figures, GroupBy, Report, TimeBasis
from workorder.schema.batch.jobs import ExportFormatEnum, JobType
from workorder.schema.context import Info
from workorder.schema.describe import described_enum
from workorder.schema.errors import UserError
from workorder.schema.org.types import GroupType, RoleEnum, UserType
from workorder.schema.templates.types import TemplateType
from workorder.sheets.cells import SheetFormat

ReportTimeBasisEnum = strawberry.enum(
    TimeBasis,
    name="ReportTimeBasis",
    description=(
        "Which tickets a row's ticket figures are about: those created in the range, or "
        "those finished (DONE) in it. Action counts and openAtEnd do not depend on it."
    ),
)
# The domain's enums cannot carry GraphQL descriptions (flows/ knows no strawberry).
described_enum(
    ReportTimeBasisEnum,
    {
        TimeBasis.CREATED: "The tickets created in the range. The default.",
        TimeBasis.DONE: "The tickets finished (DONE) in the range.",
    },
)
ReportGroupByEnum = strawberry.enum(
    GroupBy,
    name="ReportGroupBy",
    description=(
        "AGENT: the assignee for ticket figures, the actor for actions. GROUP: the ticket's "
        "present group. DAY, WEEK (from Monday), MONTH: UTC periods, every one in the range."
    ),
)

described_enum(
    ReportGroupByEnum,
    {
        GroupBy.AGENT: (
            "A row per agent: a ticket's present assignee (its creator for `created`), an "
            "action's actor. The default."
        ),
        GroupBy.GROUP: "A row per group: the ticket's present group.",
        GroupBy.TEMPLATE: "A row per template.",
        GroupBy.DAY: "A row per UTC day of the range, empty days included.",
        GroupBy.WEEK: "A row per week (from Monday, UTC) of the range, empty weeks included.",
        GroupBy.MONTH: "A row per calendar month (UTC) of the range, empty months included.",
    },
)


@strawberry.input(
    description="Narrows the report; the agent parts apply to the assignee of a "
    "ticket (its creator for `created`) and to the actor of an action."
)
class TicketReportFilterInput:
    role: RoleEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only agents holding this role."
    )
    agent_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these agents (User ids); null: everyone."
    )
    template_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only tickets of these templates; null: all templates."
    )
    group_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The ticket's present group."
    )


@strawberry.type(
    name="TicketReportRow",
    description=(
        "One row's figures. Its key is the agent, group, template or period the report is "
        "grouped by (all null: no agent or group, or the totals)."
    ),
)
class TicketReportRowType:
    agent_id: strawberry.Private[int | None]
    group_id: strawberry.Private[int | None]
    template_id: strawberry.Private[int | None]
    period: date | None = strawberry.field(description="The period's first day (UTC).")
    created: int = strawberry.field(
        description="The row's tickets created in the range; by agent: those the agent "
        "created (whoever holds them now)."
    )
    claimed: int = strawberry.field(description="Claims made in the range (by the agent).")
    forwarded: int = strawberry.field(description="Forwards made in the range.")
    returned: int = strawberry.field(description="Returns made in the range.")
    transferred: int = strawberry.field(description="Transfers made in the range.")
    urged: int = strawberry.field(description="Urges made in the range.")
    done: int = strawberry.field(description="The row's tickets finished (DONE) in the range.")
    open_at_end: int = strawberry.field(
        description=(
            "Tickets created before the end of the row's window and not done by then: `to`, "
            "or the period's end for DAY, WEEK and MONTH rows."
        )
    )
    mean_first_response_seconds: float | None = strawberry.field(
        description="Seconds from creation to the first response, averaged over the row's "
        "tickets that had one; null when none did."
    )
    mean_handling_seconds: float | None = strawberry.field(
        description="From creation to DONE, over the tickets counted in done."
    )
    mean_survey_score: float | None = strawberry.field(
        description="Satisfaction score (1 to 5) averaged over the row's tickets with one; "
        "null when none has."
    )

    sla_tracked: int = strawberry.field(
        description="The row's tickets with a resolution target (SLA) whose outcome is known "
        "at `to`: finished before it, or due before it."
    )
    sla_met: int = strawberry.field(
        description="Of slaTracked, those finished (DONE, before `to`) by their target."
    )
    sla_attainment: float | None = strawberry.field(
        description="slaMet / slaTracked, 0 to 1 (to 0.001); null when no ticket is tracked."
    )

    @classmethod
    def of(cls, key: int | date | None, figures: Figures, group_by: GroupBy) -> TicketReportRowType:
        def when(wanted: GroupBy) -> int | None:
            return key if group_by == wanted and isinstance(key, int) else None

        return cls(
            agent_id=when(GroupBy.AGENT),
            group_id=when(GroupBy.GROUP),
            template_id=when(GroupBy.TEMPLATE),
            period=key if isinstance(key, date) else None,
            created=figures.created,
            claimed=figures.claimed,
            forwarded=figures.forwarded,
            returned=figures.returned,
            transferred=figures.transferred,
            urged=figures.urged,
            done=figures.done,
            open_at_end=figures.open_at_end,
            mean_first_response_seconds=figures.mean_first_response_seconds,
            mean_handling_seconds=figures.mean_handling_seconds,
            mean_survey_score=figures.mean_survey_score,
            sla_tracked=figures.sla_tracked,
            sla_met=figures.sla_met,
            sla_attainment=figures.sla_attainment,
        )

    @strawberry.field(
        description="The row's agent when grouped by AGENT; null otherwise, and for the row "
        "of unassigned tickets and actions without an actor."
    )
    async def agent(self, info: Info) -> UserType | None:
        if self.agent_id is None:
            return None
        user = await info.context.org.user.load(self.agent_id)
        return UserType.of(user) if user else None

    @strawberry.field(
        description="The row's group when grouped by GROUP; null otherwise, and for the row "
        "of tickets in no group."
    )
    async def group(self, info: Info) -> GroupType | None:
        if self.group_id is None:
            return None
        group = await info.context.org.group.load(self.group_id)
        return GroupType.of(group) if group else None

    @strawberry.field(description="The row's template when grouped by TEMPLATE; null otherwise.")
    async def template(self, info: Info) -> TemplateType | None:
        if self.template_id is None:
            return None
        return await TemplateType.load(info, self.template_id)


@strawberry.type(
    name="TicketReport",
    description="Ticket and workload figures for a time range, in rows and their totals.",
)
class TicketReportType:
    start: datetime = strawberry.field(name="from", description="Included (UTC).")
    end: datetime = strawberry.field(name="to", description="Excluded (UTC).")
    time_basis: ReportTimeBasisEnum = strawberry.field(  # type: ignore[valid-type]
        description="Which tickets the ticket figures are about, as asked."
    )
    group_by: ReportGroupByEnum = strawberry.field(  # type: ignore[valid-type]
        description="What a row stands for, as asked."
    )
    rows: list[TicketReportRowType] = strawberry.field(
        description="Periods in time order; agents, groups, templates by id, the keyless last."
    )
    totals: TicketReportRowType = strawberry.field(
        description="The rows added up (means weighted); openAtEnd is the backlog at `to`."
    )

    @classmethod
    def of(cls, report: Report) -> TicketReportType:
        group_by = report.spec.group_by
        return cls(
            start=report.spec.start,
            end=report.spec.end,
            time_basis=report.spec.basis,
            group_by=group_by,
            rows=[TicketReportRowType.of(r.key, r.figures, group_by) for r in report.rows],
            totals=TicketReportRowType.of(None, report.totals, group_by),
        )


@strawberry.input(
    description="The ticket report (as ticketReport takes it) to write to a file, by a job."
)
class StartReportExportInput:
    start: datetime = strawberry.field(name="from", description="Included.")
    end: datetime = strawberry.field(name="to", description="Excluded.")
    time_basis: ReportTimeBasisEnum = strawberry.field(  # type: ignore[valid-type]
        default=TimeBasis.CREATED, description="Which tickets the ticket figures count."
    )
    group_by: ReportGroupByEnum = strawberry.field(  # type: ignore[valid-type]
        default=GroupBy.AGENT, description="What a row stands for."
    )
    filter: TicketReportFilterInput | None = strawberry.field(
        default=None, description="Narrows what is counted; null: everything you may see."
    )
    format: ExportFormatEnum = strawberry.field(  # type: ignore[valid-type]
        default=SheetFormat.XLSX,
        description="XLSX (one sheet), or CSV (a ZIP holding one CSV file); XLSX by default.",
    )


@strawberry.type(description="The report job started, or why not (errors).")
class StartReportExportPayload:
    job: JobType | None = strawberry.field(
        default=None,
        description="The job (type EXPORT_REPORT); once DONE its outcome's file is the "
        "download: a header row, a row per report row, the totals last.",
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why no job was started; empty on success."
    )
