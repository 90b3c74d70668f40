from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.department import Department
    from workorder.models.tenant import Tenant


class Role(StrEnum):
    ADMIN = "ADMIN"
    SUPERVISOR = "SUPERVISOR"
    AGENT = "AGENT"


class User(Model):
    """An agent, supervisor or administrator of one tenant."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="users", on_delete=fields.CASCADE
    )
    tenant_id: int
    username = fields.CharField(max_length=150)
    display_name = fields.CharField(max_length=200, default="")
    email = fields.CharField(max_length=254, null=True)
    password_hash = fields.CharField(max_length=255)
    roles: list[str] = fields.JSONField(default=list)
    permissions: list[str] = fields.JSONField(default=list)
    superior: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name="direct_reports", null=True, on_delete=fields.SET_NULL
    )
    superior_id: int | None
    department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "workorder.Department", related_name="users", null=True, on_delete=fields.SET_NULL
    )
    department_id: int | None
    active = fields.BooleanField(default=True)
    # A service account that API tokens act as (createApiToken's integrationName): it has
    # no password and never logs in.
    is_integration = fields.BooleanField(default=False)
    locale = fields.CharField(max_length=16, default="en")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "app_user"
        unique_together = (("tenant", "username"),)
