"""Reminders on tickets: set, listed and cancelled by their owner, fired by a scheduler."""
