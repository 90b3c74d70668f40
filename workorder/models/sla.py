from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from workorder.models.ticket import Priority

if TYPE_CHECKING:
    from workorder.models.template import Template
    from workorder.models.tenant import Tenant


class SlaPolicy(Model):
    """Service-level targets of one template at one priority, in minutes from creation.
    A missing target (null) is not tracked."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    tenant_id: int
    template: fields.ForeignKeyRelation[Template] = fields.ForeignKeyField(
        "workorder.Template", related_name="sla_policies", on_delete=fields.CASCADE
    )
    template_id: int
    priority = fields.CharEnumField(Priority)
    # Until the first response (someone takes the ticket in hand).
    response_minutes = fields.IntField(null=True)
    # Until the ticket is DONE.
    resolution_minutes = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "sla_policy"
        unique_together = (("template", "priority"),)
