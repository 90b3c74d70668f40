"""A custom field's value in a spreadsheet cell, kind by kind: how an import reads a cell as
an agent would type it, and how an export writes a value so that the import reads it back.

Cells are read as an agent would type them: lists (multi-select) separated by `;`, cascades
by `/`, checkboxes as true/false, yes/no, 1/0 or 是/否, dates and times as the spreadsheet
stores them, or as ISO text; a time without a zone is taken in the import's time zone. What
is read is checked afterwards by the create, like any other value.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Any, Final, Protocol
from zoneinfo import ZoneInfo

from workorder.sheets.cells import Cell

_TRUE: Final = frozenset({"true", "yes", "y", "1", "是", "x", "✓"})
_FALSE: Final = frozenset({"false", "no", "n", "0", "否"})


class CellError(ValueError):
    """A cell that cannot be read as its column's type (the row fails with this message)."""

    def __init__(self, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


class ReadCell(Protocol):
    """A cell as the JSON value a create takes for this field; CellError if it cannot be."""

    def __call__(self, value: Cell, zone: ZoneInfo) -> Any: ...


class WriteCell(Protocol):
    """A stored value as one cell; times in the export's zone."""

    def __call__(self, value: Any, zone: ZoneInfo) -> Cell: ...


def show(value: object, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


# ---- reading -----------------------------------------------------------------------------


def read_text(value: Cell, zone: ZoneInfo | None = None) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_number(value: Cell, zone: ZoneInfo) -> int | float:
    if isinstance(value, bool):
        raise CellError("Expected a number")
    if isinstance(value, int | float):
        number = value
    else:
        try:
            number = float(str(value).strip().replace(",", ""))
        except ValueError:
            raise CellError(f"Expected a number, got {show(value)}") from None
    if isinstance(number, float) and number.is_integer() and math.isfinite(number):
        return int(number)
    return number


def read_checkbox(value: Cell, zone: ZoneInfo) -> bool:
    if isinstance(value, bool):
        return value
    text = read_text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"Expected yes or no, got {show(value)}")


def read_date(value: Cell, zone: ZoneInfo) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return read_text(value)


def read_datetime(value: Cell, zone: ZoneInfo) -> str:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        text = read_text(value)
        try:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1))
        except ValueError:
            return text  # the create's own check says what it expected
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.isoformat()


def read_list(separator: str) -> ReadCell:
    def read(value: Cell, zone: ZoneInfo) -> list[str]:
        return [part.strip() for part in read_text(value).split(separator) if part.strip()]

    return read


def not_read(value: Cell, zone: ZoneInfo) -> Any:
    """Fields whose values are no cell's text (attachments): an import has no column for
    them (see `FieldKind.in_sheets`), so a cell never reaches this."""
    raise CellError("This kind of field cannot be imported")


# ---- writing -----------------------------------------------------------------------------


def write_plain(value: Any, zone: ZoneInfo | None = None) -> Cell:
    """Scalars as they are, lists as `a; b` (what a multi-select import reads back)."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def write_path(value: Any, zone: ZoneInfo) -> Cell:
    """A cascade's path as `Guangdong / Shenzhen`."""
    if isinstance(value, list):
        return " / ".join(str(v) for v in value)
    return write_plain(value)


def write_date(value: Any, zone: ZoneInfo) -> Cell:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value  # stored before validation was this strict: shown as it is
    return write_plain(value)


def write_datetime(value: Any, zone: ZoneInfo) -> Cell:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).astimezone(zone)
        except ValueError:
            return value  # stored before validation was this strict: shown as it is
    return write_plain(value)
