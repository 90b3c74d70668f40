from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant
    from workorder.models.ticket import Ticket
    from workorder.models.user import User


class Channel(StrEnum):
    PHONE = "PHONE"
    CHAT = "CHAT"
    EMAIL = "EMAIL"
    SMS = "SMS"


class Direction(StrEnum):
    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"
    MISSED = "MISSED"


class Interaction(Model):
    """A call or chat linked to a ticket: the export's call-record sheet."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    tenant_id: int
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "workorder.Ticket", related_name="interactions", on_delete=fields.CASCADE
    )
    ticket_id: int
    channel = fields.CharEnumField(Channel)
    direction = fields.CharEnumField(Direction)
    number = fields.CharField(max_length=100, default="")
    started_at: datetime = fields.DatetimeField()
    duration_seconds = fields.IntField(default=0)
    recording_url = fields.CharField(max_length=1000, null=True)
    external_id = fields.CharField(max_length=200, null=True)
    agent: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    agent_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "interaction"
