from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant


class Dictionary(Model):
    """A named tree of options (province, city), drawn on by select and cascade fields."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="dictionaries", on_delete=fields.CASCADE
    )
    tenant_id: int
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "dictionary"
        unique_together = (("tenant", "name"),)


class DictionaryItem(Model):
    """One option of a dictionary. Siblings have distinct values, so a path of values
    names exactly one item."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="dictionary_items", on_delete=fields.CASCADE
    )
    tenant_id: int
    dictionary: fields.ForeignKeyRelation[Dictionary] = fields.ForeignKeyField(
        "workorder.Dictionary", related_name="items", on_delete=fields.CASCADE
    )
    dictionary_id: int
    parent: fields.ForeignKeyNullableRelation[DictionaryItem] = fields.ForeignKeyField(
        "workorder.DictionaryItem", related_name="children", null=True, on_delete=fields.CASCADE
    )
    parent_id: int | None
    value = fields.CharField(max_length=200)
    label = fields.CharField(max_length=200)
    position = fields.IntField(default=0)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "dictionary_item"
