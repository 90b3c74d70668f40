"""Writing workbooks row by row at constant memory, for exports.

XLSX goes through xlsxwriter's constant-memory mode (each sheet's rows are flushed to a
temporary file as soon as the next row begins, so a workbook of a million rows holds one row
per sheet in memory); CSV writes one UTF-8 file per sheet (with a byte-order mark, so Excel
reads non-ASCII text right) and packs them into one ZIP at the end. Text that a spreadsheet
would run as a formula is never written as one: XLSX cells are written as strings with formula
parsing off, and CSV cells go through `cells.csv_safe`.
"""

from __future__ import annotations

import asyncio
import csv
import shutil
import tempfile
import zipfile
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final, Protocol

import xlsxwriter

from workorder.sheets.cells import Cell, SheetFormat, csv_safe

XLSX_MAX_ROWS: Final = 1_048_576  # Excel's limit, header row included
XLSX_MAX_TEXT: Final = 32_767  # Excel's limit for one cell's text

# What a written book is served as: a CSV book is a ZIP of one file per sheet.
CONTENT_TYPES: Final = {
    SheetFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    SheetFormat.CSV: "application/zip",
}
EXTENSIONS: Final = {SheetFormat.XLSX: "xlsx", SheetFormat.CSV: "zip"}


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


def write_rows(rows: Sequence[tuple[Sheet, Sequence[Cell]]]) -> None:
    """Rows for several sheets, in order (blocking: run it in a worker thread)."""
    for sheet, cells in rows:
        sheet.write(cells)


async def file_chunks(path: Path, size: int = 1024 * 1024) -> AsyncIterator[bytes]:
    """A finished book's bytes, read off the event loop a chunk at a time (to store it)."""
    with path.open("rb") as file:
        while chunk := await asyncio.to_thread(file.read, size):
            yield chunk
