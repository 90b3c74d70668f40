"""Reading uploaded spreadsheets, for imports.

It accepts what people actually upload: XLSX (its first sheet) and CSV in UTF-8 (with or
without the byte-order mark Excel writes). The format is told by the file's bytes, not only
its name, so a PDF renamed to .csv is refused as what it is. An uploaded file is not
trusted: an XLSX whose parts would unzip to more than READ_MAX_UNZIPPED (or far beyond their
compressed size) is refused before it is parsed, the size a sheet claims for itself is
ignored (a wrong one would cut rows off or make up millions of empty ones), columns past
READ_MAX_COLUMNS are not read, and every row read, blank or not, counts against a cap.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import Final

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from workorder.sheets.cells import Cell, SheetFormat, csv_unescape

_ZIP_MAGIC: Final = b"PK\x03\x04"
READ_MAX_COLUMNS: Final = 200
READ_MAX_UNZIPPED: Final = 256 * 2**20  # all parts of an XLSX, unzipped
READ_MAX_RATIO: Final = 200  # unzipped / zipped size of one part beyond which it is a bomb
READ_BLANK_ROWS: Final = 10_000  # blank rows tolerated on top of the rows allowed


class SheetError(ValueError):
    """The file is not a readable spreadsheet of the expected format."""


def sniff(data: bytes, declared: SheetFormat) -> None:
    """Refuse bytes that are not the declared format (SheetError says what they look like)."""
    if declared == SheetFormat.XLSX:
        if not data.startswith(_ZIP_MAGIC):
            raise SheetError("This is not an XLSX file")
        return
    if data.startswith(_ZIP_MAGIC):
        raise SheetError("This is a ZIP or XLSX file, not CSV")
    if b"\x00" in data[:8192]:
        raise SheetError("This is a binary file, not CSV")


def read_rows(
    data: bytes, fmt: SheetFormat, *, max_rows: int
) -> tuple[list[str], list[tuple[int, list[Cell]]]]:
    """The header row (trimmed texts) and the data rows with their row numbers as a
    spreadsheet shows them (the header is row 1), skipping rows with nothing in them; more
    than `max_rows` data rows is refused whole."""
    sniff(data, fmt)
    rows = _xlsx_rows(data) if fmt == SheetFormat.XLSX else _csv_rows(data)
    try:
        header = next(rows)
        headers = ["" if h is None else str(h).strip() for h in header]
        while headers and not headers[-1]:
            headers.pop()
        body: list[tuple[int, list[Cell]]] = []
        for number, row in enumerate(rows, start=2):
            if any(v not in (None, "") for v in row):
                body.append((number, row[:READ_MAX_COLUMNS]))
                if len(body) > max_rows:
                    raise SheetError(f"At most {max_rows} rows per file")
            elif number - len(body) > READ_BLANK_ROWS:
                raise SheetError(f"More than {READ_BLANK_ROWS} blank rows")
    except StopIteration:
        raise SheetError("The file is empty: it needs a header row") from None
    except SheetError:
        raise
    except Exception as exc:  # a damaged file can fail in many ways deep inside a parser
        raise SheetError(f"Not a readable {fmt} file ({type(exc).__name__})") from None
    return headers, body


def _csv_rows(data: bytes) -> Iterator[list[Cell]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(
            f"The CSV file is not UTF-8 (byte {exc.start}); save it as 'CSV UTF-8'"
        ) from None
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            yield [csv_unescape(cell) for cell in row]
    except csv.Error as exc:
        raise SheetError(f"Not readable as CSV: {exc}") from None


def _check_unzipped(data: bytes) -> None:
    """Refuse a zip bomb by what its directory says, before anything is inflated (the
    sizes are checked again as members are read: a lying directory fails there)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise SheetError("Not a readable XLSX file") from None
    total = sum(m.file_size for m in members)
    if total > READ_MAX_UNZIPPED or any(
        m.file_size > 2**20 and m.file_size > READ_MAX_RATIO * max(m.compress_size, 1)
        for m in members
    ):
        raise SheetError("This XLSX file unpacks to far too much data")


def _xlsx_rows(data: bytes) -> Iterator[list[Cell]]:
    _check_unzipped(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise SheetError("Not a readable XLSX file") from None
    try:
        sheet = workbook.worksheets[0]
        reset = getattr(sheet, "reset_dimensions", None)
        if reset is not None:  # a read-only sheet: read what is there, not what it claims
            reset()
        for row in sheet.iter_rows(max_col=READ_MAX_COLUMNS, values_only=True):
            cells = [_cell(v) for v in row]
            while cells and cells[-1] is None:
                cells.pop()
            yield cells
    finally:
        workbook.close()


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | bool | datetime | date):
        return value
    return str(value)
