from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant
    from workorder.models.user import User


class Department(Model):
    """A node of the department tree of a tenant. Its head sees what its members own."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="departments", on_delete=fields.CASCADE
    )
    tenant_id: int
    name = fields.CharField(max_length=200)
    parent: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "workorder.Department", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    parent_id: int | None
    head: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name="headed_departments", null=True, on_delete=fields.SET_NULL
    )
    head_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "department"
