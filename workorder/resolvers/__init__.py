"""Thin translators: decode input, call flows/ or a query, map errors into the payload."""
