"""Ticket lists: list queries, filters, field conditions, saved and shared views."""
