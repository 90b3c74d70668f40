"""Spreadsheets in and out: streamed workbooks for exports, row readers for imports.

Writing is row by row at constant memory. XLSX goes through xlsxwriter's constant-memory
mode (each sheet's rows are flushed to a temporary file as soon as the next row begins, so a
workbook of a million rows holds one row per sheet in memory); CSV writes one UTF-8 file per
sheet (with a byte-order mark, so Excel reads non-ASCII text right) and packs them into one
ZIP at the end. Text that a spreadsheet would run as a formula is never written as one: XLSX
cells are written as strings with formula parsing off, and CSV cells beginning with `=`, `+`,
`-`, `@`, a tab or a carriage return get a leading apostrophe (the OWASP advice against CSV
injection).

Reading accepts what people actually upload: XLSX (its first sheet) and CSV in UTF-8 (with
or without the byte-order mark Excel writes). The format is told by the file's bytes, not
only its name, so a PDF renamed to .csv is refused as what it is. An uploaded file is not
trusted: an XLSX whose parts would unzip to more than READ_MAX_UNZIPPED (or far beyond
their compressed size) is refused before it is parsed, the size a sheet claims for itself
is ignored (a wrong one would cut rows off or make up millions of empty ones), columns past
READ_MAX_COLUMNS are not read, and every row read, blank or not, counts against a cap.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Final, Protocol

import xlsxwriter
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

Cell = str | int | float | bool | datetime | date | None

XLSX_MAX_ROWS: Final = 1_048_576  # Excel's limit, header row included
XLSX_MAX_TEXT: Final = 32_767  # Excel's limit for one cell's text
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_ZIP_MAGIC: Final = b"PK\x03\x04"
READ_MAX_COLUMNS: Final = 200
READ_MAX_UNZIPPED: Final = 256 * 2**20  # all parts of an XLSX, unzipped
READ_MAX_RATIO: Final = 200  # unzipped / zipped size of one part beyond which it is a bomb
READ_BLANK_ROWS: Final = 10_000  # blank rows tolerated on top of the rows allowed


class SheetFormat(StrEnum):
    XLSX = "XLSX"
    CSV = "CSV"


class SheetError(ValueError):
    """The file is not a readable spreadsheet of the expected format."""


class Sheet(Protocol):
    def write(self, row: Sequence[Cell]) -> None: ...


class Book(Protocol):
    """A workbook being written: sheets in the order they are added, rows in order."""

    def sheet(self, name: str, headers: Sequence[str]) -> Sheet: ...

    def close(self) -> None:
        """Finish the file at `path`; nothing may be written after."""


# --- XLSX ------------------------------------------------------------------------------------


class _XlsxSheet:
    """One logical sheet; it continues on "Name (2)" when Excel's row limit is reached."""

    def __init__(self, book: XlsxBook, name: str, headers: Sequence[str]) -> None:
        self.book = book
        self.name = name
        self.headers = list(headers)
        self.parts = 0
        self._open()

    def _open(self) -> None:
        self.parts += 1
        title = self.name if self.parts == 1 else f"{self.name[:25]} ({self.parts})"
        self.worksheet = self.book.workbook.add_worksheet(title)
        self.worksheet.freeze_panes(1, 0)
        for col, header in enumerate(self.headers):
            self.worksheet.write_string(0, col, header, self.book.bold)
        self.row = 1

    def write(self, row: Sequence[Cell]) -> None:
        if self.row >= XLSX_MAX_ROWS:
            self._open()
        for col, value in enumerate(row):
            self.book.write_cell(self.worksheet, self.row, col, value)
        self.row += 1


class XlsxBook:
    def __init__(self, path: Path, *, tmpdir: Path | None = None) -> None:
        self.path = path
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": str(tmpdir or path.parent),
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.workbook.use_zip64()  # a sheet's XML may pass 4 GB; ZIP64 records only then
        self.bold = self.workbook.add_format({"bold": True})
        self.datetime_format = self.workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.date_format = self.workbook.add_format({"num_format": "yyyy-mm-dd"})

    def sheet(self, name: str, headers: Sequence[str]) -> Sheet:
        return _XlsxSheet(self, name, headers)

    def write_cell(self, worksheet: Any, row: int, col: int, value: Cell) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            worksheet.write_boolean(row, col, value)
        elif isinstance(value, int | float):
            worksheet.write_number(row, col, value)
        elif isinstance(value, datetime):
            # Excel has no time zones: the caller converts to the zone the reader wants.
            worksheet.write_datetime(row, col, value.replace(tzinfo=None), self.datetime_format)
        elif isinstance(value, date):
            worksheet.write_datetime(row, col, value, self.date_format)
        else:
            worksheet.write_string(row, col, value[:XLSX_MAX_TEXT])

    def close(self) -> None:
        self.workbook.close()


# --- CSV (one file per sheet, zipped) ---------------------------------------------------------


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
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def csv_unescape(text: str) -> str:
    """What `csv_safe` wrote, read back: the apostrophe before a formula-like start goes."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        return text[1:]
    return text


class _CsvSheet:
    def __init__(self, folder: Path, name: str, headers: Sequence[str]) -> None:
        self.name = name
        self.path = folder / f"{len(list(folder.iterdir())):02d}.csv"
        self.file = self.path.open("w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.file)
        self.writer.writerow([csv_safe(h) for h in headers])

    def write(self, row: Sequence[Cell]) -> None:
        self.writer.writerow([csv_safe(v) for v in row])


class CsvZipBook:
    def __init__(self, path: Path, *, tmpdir: Path | None = None) -> None:
        self.path = path
        self._folder = tempfile.TemporaryDirectory(dir=tmpdir or path.parent)
        self.sheets: list[_CsvSheet] = []

    def sheet(self, name: str, headers: Sequence[str]) -> Sheet:
        sheet = _CsvSheet(Path(self._folder.name), name, headers)
        self.sheets.append(sheet)
        return sheet

    def close(self) -> None:
        try:
            with zipfile.ZipFile(self.path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for sheet in self.sheets:
                    sheet.file.close()
                    with (
                        sheet.path.open("rb") as source,
                        archive.open(f"{sheet.name}.csv", "w", force_zip64=True) as target,
                    ):
                        shutil.copyfileobj(source, target, 1024 * 1024)
        finally:
            for sheet in self.sheets:
                sheet.file.close()
            self._folder.cleanup()


def open_book(fmt: SheetFormat, path: Path) -> Book:
    return XlsxBook(path) if fmt == SheetFormat.XLSX else CsvZipBook(path)


# --- reading -------------------------------------------------------------------------------


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
