"""GraphQL types of the tickets domain: tickets, attachments, notifications, mail, pushes."""
