"""What a spreadsheet cell holds, the two formats we read and write, and how a cell's text is
kept from running as a formula in CSV (the OWASP advice against CSV injection: a leading
apostrophe before `=`, `+`, `-`, `@`, a tab or a carriage return; reading takes it off again).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Final

Cell = str | int | float | bool | datetime | date | None

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


class SheetFormat(StrEnum):
    XLSX = "XLSX"
    CSV = "CSV"


def csv_safe(value: Cell) -> str:
    """The cell as CSV text that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, int | float | date):
        return str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_unescape(text: str) -> str:
    """What `csv_safe` wrote, read back: the apostrophe before a formula-like start goes."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
