from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant
    from workorder.models.ticket import Ticket


class SurveyInvitation(Model):
    """The satisfaction survey of one finished ticket: a one-time token, then one answer."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    tenant_id: int
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "workorder.Ticket", related_name="surveys", on_delete=fields.CASCADE
    )
    ticket_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    email = fields.CharField(max_length=254, null=True)
    score = fields.IntField(null=True)
    comment = fields.TextField(default="")
    answered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "survey_invitation"
