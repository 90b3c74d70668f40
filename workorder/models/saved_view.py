from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.template import Template
    from workorder.models.tenant import Tenant
    from workorder.models.user import User


class SavedView(Model):
    """A custom menu entry: a preset view narrowed by a filter, with its columns and sort.
    Personal when it has an owner, shared with the whole tenant when it has none."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    tenant_id: int
    owner: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    owner_id: int | None
    name = fields.CharField(max_length=100)
    base = fields.CharField(max_length=40, default="ALL")
    template: fields.ForeignKeyNullableRelation[Template] = fields.ForeignKeyField(
        "workorder.Template", related_name=False, null=True, on_delete=fields.CASCADE
    )
    template_id: int | None
    conditions: dict[str, Any] = fields.JSONField(default=dict)
    columns: list[str] = fields.JSONField(default=list)
    # The filters its screen offers as quick filters (常用筛选), in order: names of
    # TicketFilterInput's parts and field:<key>. NULL (views saved before): none.
    quick_filters: list[str] | None = fields.JSONField(null=True)
    sort: dict[str, Any] = fields.JSONField(default=dict)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "saved_view"
