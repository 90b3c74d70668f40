"""Reminders on tickets: thin resolvers over workorder.flows.reminders."""
