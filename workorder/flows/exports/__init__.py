"""Tickets out and in: workbook exports and imports."""
