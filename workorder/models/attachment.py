from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant
    from workorder.models.user import User


class Attachment(Model):
    """An uploaded file, stored by content hash. Referenced by attachment fields and notes."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="attachments", on_delete=fields.CASCADE
    )
    tenant_id: int
    sha256 = fields.CharField(max_length=64, db_index=True)
    filename = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=255, default="application/octet-stream")
    size = fields.BigIntField()
    uploaded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    uploaded_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "attachment"
