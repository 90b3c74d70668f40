"""Per-request loaders of the tickets domain: tickets, attachments, notifications, mail, pushes."""
