"""Importing tickets: rows of a CSV or XLSX file become tickets of one template.

The file is an attachment the caller uploaded (uploadAttachment), so its bytes are stored,
size-limited and hashed like any other upload. Starting an import reads the file once to
refuse, before anything is stored, what cannot work at all: a file that is not the format
its name says, an empty one, one with too many rows, one without a column a ticket of the
template cannot be created without. Then each row is one item of an ItemJobKind job (see
workorder/jobs/kinds.py and executor.py): it goes through `create_ticket`, the very function
a single create uses, inside the item's transaction with the job's progress marker, so:
- a bad row is refused whole, with the create's own error, its row number and its column,
  and leaves no half-made ticket (the item's savepoint is rolled back);
- a crashed import resumes at the first row whose ticket was not committed, and creates no
  ticket twice.

Columns are matched by name, ignoring case and surrounding spaces: a system column by its
key or its export header (`title` / `Title`), a custom field by its key, `field.<key>`, or
its label; so an export's ticket sheet imports back. Columns that match nothing are listed
in the job's result and ignored (an export carries many, such as Number and Status, that a
new ticket cannot take). Cells are read as an agent would type them, each kind of field
its own way (see field_kinds/cells.py).
"""

from __future__ import annotations

import asyncio
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Final
from zoneinfo import ZoneInfo

from workorder.auth.actor import Actor
from workorder.auth.customers import remember_shown
from workorder.auth.permissions import Permission, require_permission, require_write
from workorder.errors import FlowError, invalid, not_found
from workorder.flows.batch.jobs import Checked, JobEnv
from workorder.flows.exports.columns import SYSTEM_COLUMNS, check_time_zone
from workorder.flows.templates.config import FieldDefinition, TemplateConfig
from workorder.flows.templates.field_kinds.cells import CellError, read_text, show
from workorder.flows.templates.field_kinds.table import KINDS
from workorder.flows.tickets import create as ticket_create
from workorder.flows.tickets.create import NewTicket
from workorder.flows.tickets.downloads import downloadable
from workorder.models import (
    Customer,
    Group,
    Priority,
    Source,
    Template,
    TemplateVersion,
)
from workorder.sheets.cells import Cell, SheetFormat
from workorder.sheets.reading import SheetError, read_rows
from workorder.storage import BlobNotFound

KIND: Final = "import.tickets"
_EXTENSIONS: Final = {".csv": SheetFormat.CSV, ".xlsx": SheetFormat.XLSX}

# The system columns an import reads (the others, such as Number or Status, are the
# system's to set) and the column a ticket cannot be created without.
IMPORTED_SYSTEM: Final = ("title", "description", "priority", "customer", "group")
REQUIRED_SYSTEM: Final = ("title",)
_GROUP_HEADER: Final = "Group"


def require_import(actor: Actor) -> None:
    """Imports are for holders of the ticket.import grant (admins hold every grant)."""
    require_write(actor)
    require_permission(actor, Permission.TICKET_IMPORT, "Imports")


def format_of(filename: str) -> SheetFormat:
    lowered = filename.lower()
    for extension, fmt in _EXTENSIONS.items():
        if lowered.endswith(extension):
            return fmt
    raise invalid("Import takes .csv or .xlsx files", ["fileId"])


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


@dataclass(frozen=True, slots=True)
class Mapping:
    """Which column of the file holds what: system keys and custom field keys by index."""

    system: dict[str, int]
    fields: dict[str, int]
    headers: list[str]
    ignored: list[str]

    def column(self, path: list[str] | None) -> str | None:
        """The file's header for an error's input path (["fields", key], ["title"], …)."""
        if not path:
            return None
        if path[0] == "fields" and len(path) > 1 and path[1] in self.fields:
            return self.headers[self.fields[path[1]]]
        key = {"customerId": "customer", "groupId": "group"}.get(path[0], path[0])
        return self.headers[self.system[key]] if key in self.system else None


def map_columns(headers: list[str], config: TemplateConfig, locale: str) -> Mapping:
    """Match the header row to the template; a required column missing is INVALID."""
    names: dict[str, tuple[str, str]] = {}
    for key in IMPORTED_SYSTEM:
        header = SYSTEM_COLUMNS.get(key, _GROUP_HEADER if key == "group" else key)
        names.setdefault(_norm(key), ("system", key))
        names.setdefault(_norm(header), ("system", key))
    importable = [f for f in config.live_fields() if KINDS[f.type].in_sheets]
    for definition in importable:
        for name in (definition.key, f"field.{definition.key}"):
            names.setdefault(_norm(name), ("field", definition.key))
    for definition in importable:  # labels last: a key always wins over a label
        for label in (definition.label_for(locale), definition.label, *definition.labels.values()):
            names.setdefault(_norm(label), ("field", definition.key))
    system: dict[str, int] = {}
    fields: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        found = names.get(_norm(header)) if header else None
        if found is None:
            if header:
                ignored.append(header)
            continue
        target = system if found[0] == "system" else fields
        if found[1] in target:
            raise invalid(f"Two columns hold {found[1]!r}: {header!r} and another", ["fileId"])
        target[found[1]] = index
    first = config.first_step()
    # What creating a ticket demands (see field_values.validate_values): the first step's
    # required fields that it shows, and required fields it lets one fill; a field it hides
    # is neither asked for nor named.
    shown, editable = set(config.visible_fields(first)), set(config.editable_fields(first))
    step_required = set(first.required_fields or ()) & shown if first else set()
    missing = [SYSTEM_COLUMNS[k] for k in REQUIRED_SYSTEM if k not in system]
    missing += [
        f"{f.key} ({f.label})"
        for f in config.live_fields()
        if ((f.required and f.key in editable) or f.key in step_required)
        and f.default is None
        and f.key not in fields
    ]
    if missing:
        raise invalid("Missing required columns: " + ", ".join(missing), ["fileId"])
    return Mapping(system, fields, list(headers), ignored)


# --- cells to values ------------------------------------------------------------------------


def field_value(definition: FieldDefinition, value: Cell, zone: ZoneInfo) -> Any:
    """A cell as the JSON value a create takes for this field (checked there, as always)."""
    return KINDS[definition.type].read_cell(value, zone)


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- the job ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportRequest:
    template_id: int
    attachment_id: int
    time_zone: str = "UTC"

    def to_json(self) -> dict[str, Any]:
        return {
            "templateId": self.template_id,
            "attachmentId": self.attachment_id,
            "timeZone": self.time_zone,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportRequest:
        try:
            return cls(
                int(data["templateId"]), int(data["attachmentId"]), str(data.get("timeZone", "UTC"))
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise invalid(f"Bad import parameters: {exc}") from exc


Parsed = tuple[list[str], list[tuple[int, list[Cell]]]]  # the header row and the data rows


class ParsedFiles:
    """The last files read, by content hash: starting an import checks the file, and its
    job's first run reads it again for its rows; a file is parsed once for both. One per
    `ImportJob`, so per process (the kinds are built once where the app or worker is)."""

    def __init__(self, kept: int = 2) -> None:
        self.kept = kept
        self._found: OrderedDict[tuple[str, SheetFormat, int], Parsed] = OrderedDict()

    async def parsed(self, env: JobEnv, sha256: str, fmt: SheetFormat, max_rows: int) -> Parsed:
        """The file's header and rows, parsed in a worker thread (a large file must not hold
        up the event loop of the server that runs the job)."""
        key = (sha256, fmt, max_rows)
        if key in self._found:
            self._found.move_to_end(key)
            return self._found[key]
        try:
            data = b"".join([c async for c in await env.require_storage().open(sha256)])
        except BlobNotFound:
            raise not_found("Attachment", ["fileId"]) from None
        try:
            found = await asyncio.to_thread(read_rows, data, fmt, max_rows=max_rows)
        except SheetError as exc:
            raise invalid(str(exc), ["fileId"]) from None
        self._found[key] = found
        while len(self._found) > self.kept:
            self._found.popitem(last=False)
        return found


@dataclass(frozen=True, slots=True)
class _Prepared:
    request: ImportRequest
    mapping: Mapping
    config: TemplateConfig
    rows: dict[int, list[Cell]]
    zone: ZoneInfo


@dataclass(frozen=True, slots=True)
class ImportJob:
    """The `import.tickets` kind of job: one row, one item, one create."""

    max_rows: int = 10_000
    item_key: str = "row"
    files: ParsedFiles = field(default_factory=ParsedFiles, compare=False)

    def check(self, actor: Actor) -> None:
        require_import(actor)

    async def read(
        self, actor: Actor, params: dict[str, Any], env: JobEnv
    ) -> tuple[_Prepared, list[int]]:
        request = ImportRequest.from_json(params)
        zone = check_time_zone(request.time_zone)
        template = await Template.filter(tenant_id=actor.tenant_id, id=request.template_id).first()
        if template is None:
            raise not_found("Template", ["templateId"])
        if not template.active:  # every row would be refused for it: say it once, now
            raise invalid("This template is archived: it takes no new tickets", ["templateId"])
        version = await TemplateVersion.get(id=template.current_version_id)
        config = TemplateConfig.from_json(version.config)
        attachment = await downloadable(actor, request.attachment_id)
        if attachment is None:
            raise not_found("Attachment", ["fileId"])
        fmt = format_of(attachment.filename)
        max_rows = int(params.get("maxRows", self.max_rows))
        headers, body = await self.files.parsed(env, attachment.sha256, fmt, max_rows)
        if not body:
            raise invalid("The file has a header row but no rows to import", ["fileId"])
        mapping = map_columns(headers, config, actor.locale)
        prepared = _Prepared(request, mapping, config, dict(body), zone)
        return prepared, [number for number, _ in body]

    async def validate(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> Checked:
        ready, rows = await self.read(actor, params, env)
        return Checked(total=len(rows), result={"ignoredColumns": ready.mapping.ignored})

    async def select(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> list[int]:
        return (await self.read(actor, params, env))[1]

    async def prepare(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> _Prepared:
        return (await self.read(actor, params, env))[0]

    async def run_item(self, actor: Actor, prepared: Any, item: int, env: JobEnv) -> None:
        ready: _Prepared = prepared
        try:
            new = await _new_ticket(actor, ready, ready.rows.get(item, []))
            await ticket_create.create_ticket(actor, new)
        except CellError as exc:
            raise invalid(exc.message, [exc.column] if exc.column else None) from None
        except FlowError as refused:
            column = ready.mapping.column(refused.field)
            if column is not None:
                refused.field = [column]  # the file's own header, not the API's input path
            raise


async def _new_ticket(actor: Actor, ready: _Prepared, row: list[Cell]) -> NewTicket:
    mapping = ready.mapping

    def cell(index: int) -> Cell:
        return row[index] if index < len(row) else None

    def system(key: str) -> Cell:
        index = mapping.system.get(key)
        return None if index is None else cell(index)

    values: dict[str, Any] = {}
    for key, index in mapping.fields.items():
        raw = cell(index)
        if _blank(raw):
            continue
        definition = ready.config.field(key)
        if definition is None:
            continue
        try:
            values[key] = field_value(definition, raw, ready.zone)
        except CellError as exc:
            header = mapping.headers[index]
            raise CellError(f"{header}: {exc.message}", header) from None
    priority = Priority.NORMAL
    if not _blank(raw_priority := system("priority")):
        try:
            priority = Priority(read_text(raw_priority).upper())
        except ValueError:
            header = mapping.headers[mapping.system["priority"]]
            raise CellError(
                f"{header}: one of {', '.join(Priority)}, got {show(raw_priority)}", header
            ) from None
    return NewTicket(
        template_id=ready.request.template_id,
        title="" if _blank(title := system("title")) else read_text(title),
        description="" if _blank(text := system("description")) else read_text(text),
        priority=priority,
        source=Source.IMPORT,
        customer_id=await _customer(actor, system("customer"), mapping),
        group_id=await _group(actor, system("group"), mapping),
        fields=values,
    )


async def _customer(actor: Actor, value: Cell, mapping: Mapping) -> int | None:
    """A customer by exact phone or exact name; a name several customers share is refused."""
    if _blank(value):
        return None
    text = read_text(value)
    header = mapping.headers[mapping.system["customer"]]
    found = await Customer.filter(tenant_id=actor.tenant_id, phone=text).values_list(
        "id", flat=True
    ) or await Customer.filter(tenant_id=actor.tenant_id, name=text).values_list("id", flat=True)
    if not found:
        raise CellError(f"{header}: no customer with the phone or name {show(text)}", header)
    if len(found) > 1:
        raise CellError(f"{header}: several customers match {show(text)}", header)
    # A whole phone number or name is an exact lookup: its answer may be named (filed under).
    await remember_shown(actor, customer_ids=[int(str(found[0]))])
    return int(str(found[0]))


async def _group(actor: Actor, value: Cell, mapping: Mapping) -> int | None:
    if _blank(value):
        return None
    text = read_text(value)
    header = mapping.headers[mapping.system["group"]]
    found = await Group.filter(tenant_id=actor.tenant_id, name=text).values_list("id", flat=True)
    if len(found) != 1:
        raise CellError(f"{header}: no single group named {show(text)}", header)
    return int(str(found[0]))


def import_params(request: ImportRequest, *, max_rows: int) -> dict[str, Any]:
    """The stored parameters of an import job (started by `jobs.starting.start_import`)."""
    return {**request.to_json(), "maxRows": max_rows}
