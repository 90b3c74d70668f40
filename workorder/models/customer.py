from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant


class CustomerKind(StrEnum):
    ORGANIZATION = "ORGANIZATION"
    INDIVIDUAL = "INDIVIDUAL"


class Customer(Model):
    """An account: the organisation or person a ticket is for."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="customers", on_delete=fields.CASCADE
    )
    tenant_id: int
    kind = fields.CharEnumField(CustomerKind, default=CustomerKind.INDIVIDUAL)
    name = fields.CharField(max_length=200, db_index=True)
    phone = fields.CharField(max_length=50, null=True, db_index=True)
    email = fields.CharField(max_length=254, null=True)
    external_ref = fields.CharField(max_length=100, null=True)
    notes = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "customer"


class Contact(Model):
    """A person at a customer who calls, chats or writes."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="contacts", on_delete=fields.CASCADE
    )
    tenant_id: int
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "workorder.Customer", related_name="contacts", null=True, on_delete=fields.SET_NULL
    )
    customer_id: int | None
    name = fields.CharField(max_length=200, db_index=True)
    phone = fields.CharField(max_length=50, null=True, db_index=True)
    email = fields.CharField(max_length=254, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "contact"
