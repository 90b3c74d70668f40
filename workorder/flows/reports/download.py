"""The ticket report as a file: a job (a WholeJobKind, like a ticket export) that computes the
report as its starter may see it when the job runs and writes one sheet, a row per report row
and the totals last, as CSV (zipped, like every CSV book) or XLSX with the sheets writer. The
file is the job's, downloaded like an export's (`GET /jobs/{id}/file`, `flows.exports.files`).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from workorder.auth.actor import Actor
from workorder.auth.visibility import reach_of
from workorder.clock import now
from workorder.errors import invalid
from workorder.flows.batch.jobs import Checked, JobEnv, Progress
from workorder.flows.exports.exports import file_record
from workorder.flows.reports.reports import checked, periods, ticket_report
from workorder.flows.reports.spec import (
    Figures,
    GroupBy,
    Report,
    ReportFilter,
    ReportSpec,
    TimeBasis,
)
from workorder.models import Group, Job, Role, Template, User
from workorder.sheets.cells import Cell, SheetFormat
from workorder.sheets.writing import EXTENSIONS, file_chunks, open_book, write_rows

KIND: Final = "export.report"
SHEET: Final = "Report"
HEADERS: Final = (
    "Created",
    "Claimed",
    "Forwarded",
    "Returned",
    "Transferred",
    "Urged",
    "Done",
    "Open at end",
    "Mean first response (s)",
    "Mean handling (s)",
    "Mean survey score",
    "SLA tracked",
    "SLA met",
    "SLA attainment",
)
KEY_HEADERS: Final = {
    GroupBy.AGENT: "Agent",
    GroupBy.GROUP: "Group",
    GroupBy.TEMPLATE: "Template",
    GroupBy.DAY: "Day",
    GroupBy.WEEK: "Week",
    GroupBy.MONTH: "Month",
}
NO_KEY: Final = "(none)"
TOTAL: Final = "Total"


@dataclass(frozen=True, slots=True)
class ReportFileRequest:
    spec: ReportSpec
    format: SheetFormat = SheetFormat.XLSX

    def to_json(self) -> dict[str, Any]:
        given = self.spec.filter
        return {
            "from": self.spec.start.isoformat(),
            "to": self.spec.end.isoformat(),
            "basis": str(self.spec.basis),
            "groupBy": str(self.spec.group_by),
            "filter": {
                "role": None if given.role is None else str(given.role),
                "agentIds": list(given.agent_ids),
                "templateIds": list(given.template_ids),
                "groupIds": list(given.group_ids),
            },
            "format": str(self.format),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportFileRequest:
        try:
            given = data.get("filter") or {}
            spec = ReportSpec(
                start=datetime.fromisoformat(data["from"]),
                end=datetime.fromisoformat(data["to"]),
                basis=TimeBasis(data.get("basis", TimeBasis.CREATED)),
                group_by=GroupBy(data.get("groupBy", GroupBy.AGENT)),
                filter=ReportFilter(
                    role=None if given.get("role") is None else Role(given["role"]),
                    agent_ids=tuple(int(i) for i in given.get("agentIds", [])),
                    template_ids=tuple(int(i) for i in given.get("templateIds", [])),
                    group_ids=tuple(int(i) for i in given.get("groupIds", [])),
                ),
            )
            return cls(spec, SheetFormat(data.get("format", SheetFormat.XLSX)))
        except (KeyError, TypeError, ValueError) as exc:
            raise invalid("Malformed report parameters") from exc


def _figures(figures: Figures) -> list[Cell]:
    return [
        figures.created,
        figures.claimed,
        figures.forwarded,
        figures.returned,
        figures.transferred,
        figures.urged,
        figures.done,
        figures.open_at_end,
        figures.mean_first_response_seconds,
        figures.mean_handling_seconds,
        figures.mean_survey_score,
        figures.sla_tracked,
        figures.sla_met,
        figures.sla_attainment,
    ]


async def _labels(tenant_id: int, report: Report) -> dict[int, str]:
    """The names of the rows' agents, groups or templates, in one statement."""
    ids = [row.key for row in report.rows if isinstance(row.key, int)]
    if not ids:
        return {}
    group_by = report.spec.group_by
    if group_by == GroupBy.AGENT:
        users = await User.filter(tenant_id=tenant_id, id__in=ids).values("id", "username")
        return {u["id"]: u["username"] for u in users}
    model = Group if group_by == GroupBy.GROUP else Template
    named = await model.filter(tenant_id=tenant_id, id__in=ids).values("id", "name")
    return {n["id"]: n["name"] for n in named}


def report_rows(report: Report, labels: dict[int, str]) -> list[list[Cell]]:
    """The sheet's rows under its header: each report row, then the totals."""
    rows: list[list[Cell]] = []
    for row in report.rows:
        key: Cell
        if isinstance(row.key, date):
            key = row.key
        elif row.key is None:
            key = NO_KEY
        else:
            key = labels.get(row.key, str(row.key))
        rows.append([key, *_figures(row.figures)])
    rows.append([TOTAL, *_figures(report.totals)])
    return rows


def file_name(job_id: int, fmt: SheetFormat, at: datetime) -> str:
    return f"report-{job_id}-{at:%Y%m%d-%H%M}.{EXTENSIONS[fmt]}"


@dataclass(frozen=True, slots=True)
class ReportFileJob:
    """The `export.report` kind of job (a WholeJobKind): anyone may run the report, on the
    figures `auth.reports` lets them see."""

    def check(self, actor: Actor) -> None:
        return None

    async def validate(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> Checked:
        request = ReportFileRequest.from_json(params)
        spec = checked(request.spec)  # INVALID on "to" for a bad range
        if spec.group_by.is_period:
            periods(spec)
        return Checked(total=1)

    async def run(
        self,
        actor: Actor,
        job: Job,
        env: JobEnv,
        progress: Progress,
        stopping: Callable[[], bool],
    ) -> dict[str, Any] | None:
        storage = env.require_storage()
        request = ReportFileRequest.from_json(job.params)
        await progress(0, 1)
        report = await ticket_report(actor, await reach_of(actor), request.spec)
        if stopping():
            return None
        rows = report_rows(report, await _labels(actor.tenant_id, report))
        with tempfile.TemporaryDirectory(prefix="workorder-report-") as folder:
            path = Path(folder) / f"report.{EXTENSIONS[request.format]}"
            book = open_book(request.format, path)
            try:
                sheet = book.sheet(SHEET, [KEY_HEADERS[request.spec.group_by], *HEADERS])
                await asyncio.to_thread(write_rows, [(sheet, row) for row in rows])
            finally:
                await asyncio.to_thread(book.close)
            blob = await storage.save(file_chunks(path))
        await progress(1, 1)
        name = file_name(job.id, request.format, now())
        return {"file": file_record(blob, request.format, name), "rows": len(report.rows)}
