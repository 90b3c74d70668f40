"""Resolvers and roots of the tickets domain: tickets, attachments, notifications, mail, pushes."""
