"""Spreadsheets in and out: cells and formats, streamed workbook writing, upload reading."""
