from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant
    from workorder.models.ticket import Ticket
    from workorder.models.user import User


class ReminderState(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    # Due, but its owner could no longer see the ticket (or was deactivated): nobody told.
    SKIPPED = "SKIPPED"
    CANCELLED = "CANCELLED"


class Reminder(Model):
    """A user's reminder on a ticket: a push and a mail to them at `remind_at`.

    The scheduler claims a due reminder with one conditional UPDATE (state PENDING to SENT or
    SKIPPED), so every server may scan and each reminder fires exactly once.
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    tenant_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "workorder.Ticket", related_name=False, on_delete=fields.CASCADE
    )
    ticket_id: int
    remind_at = fields.DatetimeField()
    note = fields.TextField(default="")
    state = fields.CharEnumField(ReminderState, default=ReminderState.PENDING)
    # When it fired (SENT, SKIPPED) or was cancelled.
    settled_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reminder"
        # The scheduler's scan (due, still pending) and a user's list (by time).
        indexes = (("state", "remind_at"), ("user_id", "remind_at"))
