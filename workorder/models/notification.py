from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.event import TicketEvent
    from workorder.models.tenant import Tenant
    from workorder.models.ticket import Ticket
    from workorder.models.user import User


class NotificationKind(StrEnum):
    ASSIGNED = "ASSIGNED"
    POOL_NEW = "POOL_NEW"
    URGED = "URGED"
    RETURNED = "RETURNED"
    TRANSFERRED = "TRANSFERRED"
    CLOSED = "CLOSED"
    REOPENED = "REOPENED"
    NOTED = "NOTED"
    SLA_BREACH = "SLA_BREACH"
    REMINDER = "REMINDER"


class Notification(Model):
    """One message for one recipient, stored in the action's transaction so none is lost."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    tenant_id: int
    recipient: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name="notifications", on_delete=fields.CASCADE
    )
    recipient_id: int
    kind = fields.CharEnumField(NotificationKind)
    ticket: fields.ForeignKeyNullableRelation[Ticket] = fields.ForeignKeyField(
        "workorder.Ticket", related_name=False, null=True, on_delete=fields.CASCADE
    )
    ticket_id: int | None
    event: fields.ForeignKeyNullableRelation[TicketEvent] = fields.ForeignKeyField(
        "workorder.TicketEvent", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    event_id: int | None
    message = fields.TextField(default="")
    read_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notification"
