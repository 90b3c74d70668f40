"""Root field of the ticket report (工单报表)."""

from __future__ import annotations

import strawberry

from workorder.resolvers.reports import reports
from workorder.schema.permissions import authenticated
from workorder.schema.reports.types import StartReportExportPayload, TicketReportType


@strawberry.type
class ReportQuery:
    ticket_report: TicketReportType = strawberry.field(
        resolver=reports.ticket_report_query,
        extensions=authenticated(),
        description=(
            "Ticket and workload figures for [from, to), grouped by agent, group, template or "
            "period, with totals. Administrators see the whole tenant; anyone else the tickets "
            "of the groups they supervise or in the charge of them or their subordinates, and "
            "the actions on those groups' tickets or taken by them or their subordinates. "
            "VOID and deleted tickets never count. A range that ends before it starts, or of "
            "more than 366 periods when grouped by DAY, WEEK or MONTH, is INVALID."
        ),
    )


@strawberry.type
class ReportMutation:
    start_report_export: StartReportExportPayload = strawberry.mutation(
        resolver=reports.start_report_export,
        extensions=authenticated(),
        description="The ticket report as a CSV or XLSX file, written by a job with the "
        "figures you may see when it runs (ticketReport's rules; a bad range is INVALID and "
        "starts nothing). Download it like an export: the job's outcome file.",
    )
