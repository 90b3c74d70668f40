"""Outgoing mail: an outbox written in the caller's transaction, delivered by MailSender.

Without SMTP_URL nothing is sent and queued mail stays PENDING (and visible to admins).
"""

from workorder.mail.outbox import enqueue
from workorder.mail.sender import MailSender, make_sender
from workorder.mail.smtp_url import SmtpTarget, parse_smtp_url

__all__ = ["MailSender", "SmtpTarget", "enqueue", "make_sender", "parse_smtp_url"]
