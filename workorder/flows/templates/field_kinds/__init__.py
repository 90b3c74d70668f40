"""Custom field types, one table entry each: checking, filtering, spreadsheet cells, display."""
