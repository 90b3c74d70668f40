"""Exporting tickets: a job that streams a workbook of every ticket a list query matches.

The workbook (导出) has a ticket sheet — the columns the tenant's export settings
choose (or the export's own), custom fields included — and record sheets built from the
trace and the call log: urges, returns, notes, transfers and calls.

Rules: the caller needs `ticket.export`; the tickets are those the list query matches for
the caller under the visibility rule (the same `matching` expression as every list), read
again when the job runs, as the caller may see them then; a custom field the ticket's
current step hides from the caller is left blank, as the ticket's own `fields` would hide
it. The file belongs to the job: its starter (and the tenant's admins, who see every job)
download it, and only while they still hold `ticket.export`.

Constant memory: tickets are read in keyset pages by id (CHUNK at a time), each page's
people, groups and customers are looked up in one statement each, its rows are written and
forgotten; the workbook itself streams to disk (see workorder.sheets.writing). An export has no
side effect until its file is recorded, so a crashed or handed-back export simply starts
again from the first ticket (a WholeJobKind of workorder/jobs/kinds.py). It is started by
`workorder.jobs.starting.start_export`.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from workorder.auth.actor import Actor
from workorder.auth.visibility import reach_of
from workorder.clock import now
from workorder.errors import invalid
from workorder.flows.batch.jobs import Checked, JobEnv, Progress, spec_from_json, spec_json
from workorder.flows.exports.columns import (
    CALL_HEADERS,
    EVENT_HEADERS,
    EVENT_SHEETS,
    SHEET_TITLES,
    URGE_HEADERS,
    Column,
    RecordSheet,
    check_time_zone,
    field_cell,
    require_export,
    resolve_columns,
)
from workorder.flows.templates.config import TemplateConfig
from workorder.flows.tickets.screens import hidden_fields
from workorder.flows.views.lists import ListSpec, matching
from workorder.models import (
    Contact,
    Customer,
    EventKind,
    Group,
    Interaction,
    Job,
    Template,
    TemplateVersion,
    Ticket,
    TicketEvent,
    User,
)
from workorder.sheets.cells import Cell, SheetFormat
from workorder.sheets.writing import (
    CONTENT_TYPES,
    EXTENSIONS,
    Book,
    Sheet,
    file_chunks,
    open_book,
    write_rows,
)
from workorder.storage import Blob

KIND: Final = "export.tickets"
CHUNK: Final = 500  # tickets per page: one round of look-ups, one progress report


@dataclass(frozen=True, slots=True)
class ExportRequest:
    spec: ListSpec = field(default_factory=ListSpec)
    format: SheetFormat = SheetFormat.XLSX
    columns: tuple[str, ...] | None = None  # None: the tenant's export settings
    sheets: tuple[RecordSheet, ...] = tuple(RecordSheet)
    time_zone: str = "UTC"

    def to_json(self) -> dict[str, Any]:
        return {
            "spec": spec_json(self.spec),
            "format": str(self.format),
            "columns": None if self.columns is None else list(self.columns),
            "sheets": [str(s) for s in dict.fromkeys(self.sheets)],
            "timeZone": self.time_zone,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExportRequest:
        try:
            columns = data.get("columns")
            return cls(
                spec=spec_from_json(data.get("spec") or {}),
                format=SheetFormat(data.get("format", SheetFormat.XLSX)),
                columns=None if columns is None else tuple(str(c) for c in columns),
                sheets=tuple(RecordSheet(s) for s in data.get("sheets", list(RecordSheet))),
                time_zone=str(data.get("timeZone", "UTC")),
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise invalid(f"Bad export parameters: {exc}") from exc


# --- the job --------------------------------------------------------------------------------


class _Names:
    """Names of people, groups, templates and template versions, looked up a page at a time
    and kept: a tenant has few of them, unlike customers, which are read per page."""

    def __init__(self, tenant_id: int) -> None:
        self.tenant_id = tenant_id
        self.users: dict[int, str] = {}
        self.groups: dict[int, str] = {}
        self.templates: dict[int, str] = {}
        self.configs: dict[int, TemplateConfig] = {}

    async def load(
        self, users: set[int], groups: set[int], templates: set[int], versions: set[int]
    ) -> None:
        if missing := users - self.users.keys():
            for pk, name, username in await User.filter(
                tenant_id=self.tenant_id, id__in=missing
            ).values_list("id", "display_name", "username"):
                self.users[pk] = name or username
        if missing := groups - self.groups.keys():
            self.groups.update(
                await Group.filter(tenant_id=self.tenant_id, id__in=missing).values_list(
                    "id", "name"
                )
            )
        if missing := templates - self.templates.keys():
            self.templates.update(
                await Template.filter(tenant_id=self.tenant_id, id__in=missing).values_list(
                    "id", "name"
                )
            )
        if missing := versions - self.configs.keys():
            for version in await TemplateVersion.filter(tenant_id=self.tenant_id, id__in=missing):
                self.configs[version.id] = TemplateConfig.from_json(version.config)

    def user(self, pk: int | None) -> str | None:
        return None if pk is None else self.users.get(pk, "")

    def group(self, pk: int | None) -> str | None:
        return None if pk is None else self.groups.get(pk, "")

    def step(self, version_id: int, key: str | None) -> str | None:
        config = self.configs.get(version_id)
        step = config.step(key) if config and key else None
        return step.name if step else key


_TICKET_VALUES: Final = (
    "id",
    "number",
    "title",
    "description",
    "template_id",
    "template_version_id",
    "status",
    "priority",
    "source",
    "customer_id",
    "contact_id",
    "creator_id",
    "creator_group_id",
    "current_step",
    "current_group_id",
    "assignee_id",
    "urge_count",
    "due_at",
    "created_at",
    "updated_at",
    "done_at",
    "survey_score",
    "field_values",
)


@dataclass
class _Writer:
    """One export run: the book, its sheets, and how a page of tickets becomes rows."""

    actor: Actor
    request: ExportRequest
    columns: list[Column]
    zone: ZoneInfo
    book: Book
    names: _Names
    tickets: Sheet = field(init=False)
    records: dict[RecordSheet, Sheet] = field(init=False)

    def __post_init__(self) -> None:
        self.tickets = self.book.sheet("Tickets", [c.header for c in self.columns])
        self.records = {}
        for sheet in dict.fromkeys(self.request.sheets):
            headers = (
                CALL_HEADERS
                if sheet == RecordSheet.CALLS
                else URGE_HEADERS
                if sheet == RecordSheet.URGES
                else EVENT_HEADERS
            )
            self.records[sheet] = self.book.sheet(SHEET_TITLES[sheet], headers)

    def time(self, value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(self.zone)

    async def page(self, rows: list[dict[str, Any]]) -> list[tuple[Sheet, list[Cell]]]:
        """The cells of one page of tickets, for every sheet, in sheet row order."""
        ids = [r["id"] for r in rows]
        event_kinds = [k for k, s in EVENT_SHEETS.items() if s in self.records]
        events = (
            await TicketEvent.filter(ticket_id__in=ids, kind__in=event_kinds)
            .order_by("ticket_id", "id")
            .values(
                "ticket_id",
                "kind",
                "actor_id",
                "from_step",
                "to_step",
                "from_assignee_id",
                "to_assignee_id",
                "comment",
                "data",
                "created_at",
            )
            if event_kinds
            else []
        )
        calls = (
            await Interaction.filter(ticket_id__in=ids)
            .order_by("ticket_id", "started_at", "id")
            .values(
                "ticket_id",
                "channel",
                "direction",
                "number",
                "started_at",
                "duration_seconds",
                "agent_id",
                "recording_url",
                "external_id",
            )
            if RecordSheet.CALLS in self.records
            else []
        )
        users = {r[k] for r in rows for k in ("creator_id", "assignee_id")}
        users |= {e[k] for e in events for k in ("actor_id", "from_assignee_id", "to_assignee_id")}
        users |= {c["agent_id"] for c in calls}
        await self.names.load(
            users - {None},
            {r[k] for r in rows for k in ("creator_group_id", "current_group_id")} - {None},
            {r["template_id"] for r in rows},
            {r["template_version_id"] for r in rows},
        )
        tenant = self.actor.tenant_id
        customers = await _names(Customer, tenant, {r["customer_id"] for r in rows})
        contacts = await _names(Contact, tenant, {r["contact_id"] for r in rows})
        by_id = {r["id"]: r for r in rows}
        out: list[tuple[Sheet, list[Cell]]] = [
            (self.tickets, self.ticket_row(r, customers, contacts)) for r in rows
        ]
        for event in events:
            ticket = by_id[event["ticket_id"]]
            sheet = EVENT_SHEETS[EventKind(event["kind"])]
            out.append((self.records[sheet], self.event_row(ticket, event, sheet)))
        for call in calls:
            ticket = by_id[call["ticket_id"]]
            out.append((self.records[RecordSheet.CALLS], self.call_row(ticket, call)))
        return out

    def ticket_row(
        self, row: dict[str, Any], customers: dict[int, str], contacts: dict[int, str]
    ) -> list[Cell]:
        names = self.names
        config = names.configs.get(row["template_version_id"])
        hidden = hidden_fields(self.actor, config, row["current_step"]) if config else frozenset()
        system: dict[str, Callable[[], Cell]] = {
            "number": lambda: row["number"],
            "title": lambda: row["title"],
            "description": lambda: row["description"],
            "template": lambda: names.templates.get(row["template_id"], ""),
            "status": lambda: str(row["status"]),
            "priority": lambda: str(row["priority"]),
            "source": lambda: str(row["source"]),
            "customer": lambda: customers.get(row["customer_id"]),
            "contact": lambda: contacts.get(row["contact_id"]),
            "creator": lambda: names.user(row["creator_id"]),
            "creatorGroup": lambda: names.group(row["creator_group_id"]),
            "currentStep": lambda: names.step(row["template_version_id"], row["current_step"]),
            "currentGroup": lambda: names.group(row["current_group_id"]),
            "assignee": lambda: names.user(row["assignee_id"]),
            "urgeCount": lambda: row["urge_count"],
            "dueAt": lambda: self.time(row["due_at"]),
            "createdAt": lambda: self.time(row["created_at"]),
            "updatedAt": lambda: self.time(row["updated_at"]),
            "doneAt": lambda: self.time(row["done_at"]),
            "surveyScore": lambda: row["survey_score"],
        }
        values = row["field_values"] or {}
        cells: list[Cell] = []
        for column in self.columns:
            if column.field_key is None:
                cells.append(system[column.key]())
            elif column.field_key in hidden:
                cells.append(None)
            else:
                definition = config.field(column.field_key) if config else None
                cells.append(field_cell(definition, values.get(column.field_key), self.zone))
        return cells

    def event_row(
        self, ticket: dict[str, Any], event: dict[str, Any], sheet: RecordSheet
    ) -> list[Cell]:
        names, version = self.names, ticket["template_version_id"]
        cells: list[Cell] = [
            ticket["number"],
            ticket["title"],
            self.time(event["created_at"]),
            names.user(event["actor_id"]),
            names.step(version, event["from_step"]),
            names.step(version, event["to_step"]),
            names.user(event["from_assignee_id"]),
            names.user(event["to_assignee_id"]),
            event["comment"],
        ]
        if sheet == RecordSheet.URGES:
            priority = (event["data"] or {}).get("priority") or {}
            cells += [priority.get("before"), priority.get("after")]
        return cells

    def call_row(self, ticket: dict[str, Any], call: dict[str, Any]) -> list[Cell]:
        return [
            ticket["number"],
            ticket["title"],
            str(call["channel"]),
            str(call["direction"]),
            call["number"],
            self.time(call["started_at"]),
            call["duration_seconds"],
            self.names.user(call["agent_id"]),
            call["recording_url"],
            call["external_id"],
        ]


async def _names(
    model: type[Customer] | type[Contact], tenant: int, ids: set[int | None]
) -> dict[int, str]:
    """Names by id, in one statement; none when no row refers to one."""
    wanted = [pk for pk in ids if pk is not None]
    if not wanted:
        return {}
    found = await model.filter(tenant_id=tenant, id__in=wanted).values_list("id", "name")
    return {pk: name for pk, name in found}


def file_name(job_id: int, fmt: SheetFormat, at: datetime) -> str:
    return f"tickets-{job_id}-{at:%Y%m%d-%H%M}.{EXTENSIONS[fmt]}"


@dataclass(frozen=True, slots=True)
class ExportJob:
    """The `export.tickets` kind of job (a WholeJobKind)."""

    def check(self, actor: Actor) -> None:
        require_export(actor)

    async def validate(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> Checked:
        request = ExportRequest.from_json(params)
        check_time_zone(request.time_zone)
        await resolve_columns(actor, request.columns, request.spec.filter.template_ids)
        where = await matching(actor, await reach_of(actor), request.spec)  # and its checks
        return Checked(total=await Ticket.filter(where).count())

    async def run(
        self,
        actor: Actor,
        job: Job,
        env: JobEnv,
        progress: Progress,
        stopping: Callable[[], bool],
    ) -> dict[str, Any] | None:
        storage = env.require_storage()
        request = ExportRequest.from_json(job.params)
        where = await matching(actor, await reach_of(actor), request.spec)
        total = await Ticket.filter(where).count()
        columns = await resolve_columns(actor, request.columns, request.spec.filter.template_ids)
        await progress(0, total)
        with tempfile.TemporaryDirectory(prefix="workorder-export-") as folder:
            path = Path(folder) / f"export.{EXTENSIONS[request.format]}"
            book = open_book(request.format, path)
            writer = _Writer(
                actor,
                request,
                columns,
                check_time_zone(request.time_zone),
                book,
                _Names(actor.tenant_id),
            )
            done, last = 0, 0
            try:
                while True:
                    if stopping():
                        return None
                    rows = await (
                        Ticket.filter(where, id__gt=last)
                        .order_by("id")
                        .limit(CHUNK)
                        .values(*_TICKET_VALUES)
                    )
                    if not rows:
                        break
                    await asyncio.to_thread(write_rows, await writer.page(rows))
                    done += len(rows)
                    last = rows[-1]["id"]
                    await progress(done, max(total, done))
            finally:
                await asyncio.to_thread(book.close)
            blob = await storage.save(file_chunks(path))
        name = file_name(job.id, request.format, now())
        return {"file": file_record(blob, request.format, name), "rows": done}


def file_record(blob: Blob, fmt: SheetFormat, name: str) -> dict[str, Any]:
    return {
        "sha256": blob.sha256,
        "size": blob.size,
        "filename": name,
        "contentType": CONTENT_TYPES[fmt],
    }
