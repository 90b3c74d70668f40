from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.group import Group
    from workorder.models.tenant import Tenant
    from workorder.models.user import User


class Template(Model):
    """A work-order type. Its configuration lives in immutable versions, and this row points at
    the current one and carries what lists sort and filter by."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="templates", on_delete=fields.CASCADE
    )
    tenant_id: int
    name = fields.CharField(max_length=200)
    active = fields.BooleanField(default=True)
    version_number = fields.IntField(default=0)
    current_version: fields.ForeignKeyNullableRelation[TemplateVersion] = fields.ForeignKeyField(
        "workorder.TemplateVersion", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    current_version_id: int | None
    # The group (team) that owns the template (seed 000 "Team Name"): lists filter by it.
    team: fields.ForeignKeyNullableRelation[Group] = fields.ForeignKeyField(
        "workorder.Group", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    team_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "template"


class TemplateVersion(Model):
    """One immutable snapshot of a template: parameters, fields and workflow steps.

    Tickets pin the version they were created with. `in_use` is set when the first ticket
    pins it, and makes the keys and types of its fields permanent.
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="template_versions", on_delete=fields.CASCADE
    )
    tenant_id: int
    template: fields.ForeignKeyRelation[Template] = fields.ForeignKeyField(
        "workorder.Template", related_name="versions", on_delete=fields.CASCADE
    )
    template_id: int
    number = fields.IntField()
    config: dict[str, Any] = fields.JSONField()
    in_use = fields.BooleanField(default=False)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "template_version"
        unique_together = (("template", "number"),)
