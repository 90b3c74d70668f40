from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant
    from workorder.models.ticket import Ticket


class MailStatus(StrEnum):
    PENDING = "PENDING"
    SENDING = "SENDING"
    SENT = "SENT"
    FAILED = "FAILED"


class MailOutbox(Model):
    """A mail to send, written in the transaction that decided to send it.

    A sender leases a row (a conditional update decides which sender) before sending, so
    several senders never send one mail twice. A lease that expires is retried.
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyNullableRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, null=True, on_delete=fields.CASCADE
    )
    tenant_id: int | None
    ticket: fields.ForeignKeyNullableRelation[Ticket] = fields.ForeignKeyField(
        "workorder.Ticket", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    ticket_id: int | None
    recipients: list[str] = fields.JSONField(default=list)
    subject = fields.CharField(max_length=300)
    body = fields.TextField()
    # The HTML alternative of the body; empty: a plain-text mail.
    html_body = fields.TextField(default="")
    message_id = fields.CharField(max_length=200, unique=True)
    status = fields.CharEnumField(MailStatus, default=MailStatus.PENDING, db_index=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    lease_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mail_outbox"
