from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from workorder.models.ticket import TeamAccess

if TYPE_CHECKING:
    from workorder.models.department import Department
    from workorder.models.group import Group
    from workorder.models.tenant import Tenant
    from workorder.models.user import User


class SharingRule(Model):
    """Shares the tickets in the charge of one user, or of one department and those below it,
    with a user, a department (and those below) or a group. READ lets them see the tickets,
    READ_WRITE also lets them change content."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    tenant_id: int
    owner_user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    owner_user_id: int | None
    owner_department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "workorder.Department", related_name=False, null=True, on_delete=fields.CASCADE
    )
    owner_department_id: int | None
    target_user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    target_user_id: int | None
    target_department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "workorder.Department", related_name=False, null=True, on_delete=fields.CASCADE
    )
    target_department_id: int | None
    target_group: fields.ForeignKeyNullableRelation[Group] = fields.ForeignKeyField(
        "workorder.Group", related_name=False, null=True, on_delete=fields.CASCADE
    )
    target_group_id: int | None
    access = fields.CharEnumField(TeamAccess, default=TeamAccess.READ)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sharing_rule"
