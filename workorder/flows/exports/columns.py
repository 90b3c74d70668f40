"""What an export writes: the ticket sheet's columns (system ones and custom fields, checked
against the templates), the record sheets, and how a field's value becomes a cell."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workorder.auth.actor import Actor
from workorder.auth.permissions import Permission, require_permission
from workorder.errors import invalid
from workorder.flows.templates.config import FieldDefinition, TemplateConfig
from workorder.flows.templates.field_kinds.cells import write_plain
from workorder.flows.templates.field_kinds.table import KINDS
from workorder.models import EventKind, Template, TemplateVersion, Tenant
from workorder.sheets.cells import Cell

FIELD_PREFIX: Final = "field."
MAX_COLUMNS: Final = 200
_FIELD_COLUMN = re.compile(r"^field\.[A-Za-z0-9_]{1,63}$")


# The ticket sheet's system columns, in their default order, with their headers.
SYSTEM_COLUMNS: Final[dict[str, str]] = {
    "number": "Number",
    "title": "Title",
    "description": "Description",
    "template": "Template",
    "status": "Status",
    "priority": "Priority",
    "source": "Source",
    "customer": "Customer",
    "contact": "Contact",
    "creator": "Creator",
    "creatorGroup": "Creator group",
    "currentStep": "Current step",
    "currentGroup": "Current group",
    "assignee": "Assignee",
    "urgeCount": "Urges",
    "dueAt": "Due at",
    "createdAt": "Created at",
    "updatedAt": "Updated at",
    "doneAt": "Done at",
    "surveyScore": "Survey score",
}


class RecordSheet(StrEnum):
    URGES = "URGES"
    RETURNS = "RETURNS"
    NOTES = "NOTES"
    TRANSFERS = "TRANSFERS"
    CALLS = "CALLS"


SHEET_TITLES: Final = {
    RecordSheet.URGES: "Urges",
    RecordSheet.RETURNS: "Returns",
    RecordSheet.NOTES: "Notes",
    RecordSheet.TRANSFERS: "Transfers",
    RecordSheet.CALLS: "Calls",
}
EVENT_SHEETS: Final = {
    EventKind.URGED: RecordSheet.URGES,
    EventKind.RETURNED: RecordSheet.RETURNS,
    EventKind.NOTED: RecordSheet.NOTES,
    EventKind.TRANSFERRED: RecordSheet.TRANSFERS,
}
EVENT_HEADERS: Final = (
    "Ticket number",
    "Ticket title",
    "Time",
    "By",
    "From step",
    "To step",
    "From handler",
    "To handler",
    "Comment",
)
URGE_HEADERS: Final = (*EVENT_HEADERS, "Priority before", "Priority after")
CALL_HEADERS: Final = (
    "Ticket number",
    "Ticket title",
    "Channel",
    "Direction",
    "Number",
    "Started at",
    "Duration (s)",
    "Agent",
    "Recording",
    "External id",
)


def require_export(actor: Actor) -> None:
    """Exports are for holders of the ticket.export grant (admins hold every grant)."""
    require_permission(actor, Permission.TICKET_EXPORT, "Exports")


def check_columns(columns: Sequence[str], path: Sequence[str]) -> list[str]:
    """System column names or `field.<key>`; duplicates dropped, order kept."""
    if not columns:
        raise invalid("Choose at least one column", list(path))
    if len(columns) > MAX_COLUMNS:
        raise invalid(f"At most {MAX_COLUMNS} columns", list(path))
    for n, column in enumerate(columns):
        if column not in SYSTEM_COLUMNS and not _FIELD_COLUMN.match(column):
            known = ", ".join(SYSTEM_COLUMNS)
            raise invalid(
                f"Unknown column {column!r}: one of {known}, or field.<key> for a custom field",
                [*path, str(n)],
            )
    return list(dict.fromkeys(columns))


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    field_key: str | None = None  # a custom field's key


async def _field_definitions(
    tenant_id: int, template_ids: Iterable[int]
) -> dict[str, FieldDefinition]:
    """Every live custom field of these templates' current versions (all of the tenant's
    when none are named), by key, in template then form order; attachments are files, not
    cells, and stay out."""
    templates = Template.filter(tenant_id=tenant_id).order_by("id")
    wanted = list(template_ids)
    if wanted:
        templates = templates.filter(id__in=wanted)
    version_ids = [v for v in await templates.values_list("current_version_id", flat=True) if v]
    configs = {
        v.id: TemplateConfig.from_json(v.config)
        for v in await TemplateVersion.filter(id__in=version_ids)
    }
    found: dict[str, FieldDefinition] = {}
    for version_id in version_ids:
        for definition in configs[version_id].live_fields():  # type: ignore[index]
            if KINDS[definition.type].in_sheets:
                found.setdefault(definition.key, definition)
    return found


async def resolve_columns(
    actor: Actor, requested: Sequence[str] | None, template_ids: Iterable[int] = ()
) -> list[Column]:
    """The ticket sheet's columns: those asked for, else the tenant's export settings, else
    every system column and every custom field of the templates concerned. A custom field
    asked for by name must exist; one named only by the settings (its template changed
    since) stays as an empty column, so an old setting never breaks an export."""
    definitions = await _field_definitions(actor.tenant_id, template_ids)
    strict = requested is not None
    if requested is None:
        tenant = await Tenant.filter(id=actor.tenant_id).only("id", "export_columns").first()
        requested = tenant.export_columns if tenant and tenant.export_columns else None
    if requested is None:
        keys = [*SYSTEM_COLUMNS, *(FIELD_PREFIX + k for k in definitions)]
    else:
        keys = check_columns(requested, ["columns"])
    columns = []
    for n, key in enumerate(keys):
        if key in SYSTEM_COLUMNS:
            columns.append(Column(key, SYSTEM_COLUMNS[key]))
            continue
        field_key = key.removeprefix(FIELD_PREFIX)
        definition = definitions.get(field_key)
        if definition is None and strict:
            raise invalid(f"No template here has a field {field_key!r}", ["columns", str(n)])
        header = definition.label_for(actor.locale) if definition else field_key
        columns.append(Column(key, header, field_key))
    return columns


async def check_export_setting(actor: Actor, columns: Sequence[str]) -> list[str]:
    """The tenant's export columns: each system column or a custom field some template has
    now (a field removed later only leaves its column empty)."""
    keys = check_columns(columns, ["exportColumns"])
    definitions = await _field_definitions(actor.tenant_id, ())
    for n, key in enumerate(keys):
        if key not in SYSTEM_COLUMNS and key.removeprefix(FIELD_PREFIX) not in definitions:
            raise invalid(f"No template here has a field {key!r}", ["exportColumns", str(n)])
    return keys


def check_time_zone(name: str) -> ZoneInfo:
    try:
        if len(name) > 64:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Asia" is a folder: OSError
        raise invalid(
            f"Unknown time zone {name!r} (an IANA name such as Asia/Shanghai)", ["timeZone"]
        ) from None


def field_cell(definition: FieldDefinition | None, value: Any, zone: ZoneInfo) -> Cell:
    """A custom field's value as one cell, written as its kind says (dates and times as date
    cells in the export's zone, lists as the text an import reads back); a field no template
    has any more as plain text."""
    if definition is None:
        return write_plain(value)
    return KINDS[definition.type].write_cell(value, zone)
