"""Reading untrusted spreadsheets: what a file claims about itself is not believed."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable

import pytest
import xlsxwriter

from workorder.sheets.cells import SheetFormat, csv_safe, csv_unescape
from workorder.sheets.reading import SheetError, read_rows


def _xlsx(rows: int) -> dict[str, bytes]:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r in range(rows):
        sheet.write_string(r, 0, f"v{r}")
        sheet.write_string(r, 1, "d")
    book.close()
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    return {name: archive.read(name) for name in archive.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _sheet_xml(parts: dict[str, bytes], change: Callable[[str], str]) -> bytes:
    name = "xl/worksheets/sheet1.xml"
    return _zip({**parts, name: change(parts[name].decode()).encode()})


def test_a_sheet_that_understates_its_size_is_read_whole():
    lying = _sheet_xml(
        _xlsx(10), lambda x: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:A3"/>', x)
    )
    headers, rows = read_rows(lying, SheetFormat.XLSX, max_rows=100)
    assert headers == ["v0", "d"]
    assert [(n, cells) for n, cells in rows][-1] == (10, ["v9", "d"])
    assert len(rows) == 9


def test_a_sheet_that_claims_millions_of_rows_is_refused_quickly():
    def sparse(x: str) -> str:
        x = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', x)
        far = '<row r="900001"><c r="A900001" t="inlineStr"><is><t>late</t></is></c></row>'
        return x.replace("</sheetData>", far + "</sheetData>")

    started = time.perf_counter()
    with pytest.raises(SheetError, match="blank rows"):
        read_rows(_sheet_xml(_xlsx(3), sparse), SheetFormat.XLSX, max_rows=100)
    assert time.perf_counter() - started < 30  # not minutes: generous for a loaded machine


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    parts = _xlsx(3)
    bomb = _zip({**parts, "xl/media/padding.bin": b"\0" * (64 * 2**20)})
    assert len(bomb) < 2**20
    with pytest.raises(SheetError, match="far too much"):
        read_rows(bomb, SheetFormat.XLSX, max_rows=100)


def test_what_an_export_escapes_an_import_reads_back():
    for text in ["=1+1", "+86 138", "-5", "@home", "plain", "'quoted'"]:
        assert csv_unescape(csv_safe(text)) == text
    data = b"Title\n'=HYPERLINK(1)\n'plain\n"
    assert read_rows(data, SheetFormat.CSV, max_rows=10)[1] == [
        (2, ["=HYPERLINK(1)"]),
        (3, ["'plain"]),
    ]
