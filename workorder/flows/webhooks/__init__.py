"""Webhooks: endpoints administrators register, the durable outbox of deliveries, sending."""
