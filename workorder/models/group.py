from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant
    from workorder.models.user import User


class Group(Model):
    """An agent group (skill group, team) that handles workflow steps."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="groups", on_delete=fields.CASCADE
    )
    tenant_id: int
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    active = fields.BooleanField(default=True)
    members: fields.ManyToManyRelation[User] = fields.ManyToManyField(
        "workorder.User", related_name="member_of", through="group_member"
    )
    supervisors: fields.ManyToManyRelation[User] = fields.ManyToManyField(
        "workorder.User", related_name="supervisor_of", through="group_supervisor"
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "agent_group"
        unique_together = (("tenant", "name"),)
