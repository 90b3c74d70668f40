from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant
    from workorder.models.user import User

_NOT_DIGITS = re.compile(r"[^0-9]")


class CustomerKind(StrEnum):
    ORGANIZATION = "ORGANIZATION"
    INDIVIDUAL = "INDIVIDUAL"


def digits_of(phone: str | None) -> str | None:
    """A phone number as the exact lookup compares it: its digits, whatever the separators.

    Phones are kept as typed (formats differ by country and CTI system); the digits are kept
    beside them, indexed, so the lookup is one index probe rather than a scan of the book."""
    if phone is None:
        return None
    return _NOT_DIGITS.sub("", phone) or None


class _PhoneDigits(Model):
    """Keeps `phone_digits` in step with `phone` on every save (create included): the one
    place, so no write path can leave a number that the lookup no longer finds."""

    phone: str | None
    phone_digits: str | None

    async def save(
        self,
        using_db: BaseDBAsyncClient | None = None,
        update_fields: Iterable[str] | None = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        self.phone_digits = digits_of(self.phone)
        if update_fields is not None:
            update_fields = list(update_fields)
            if "phone" in update_fields and "phone_digits" not in update_fields:
                update_fields.append("phone_digits")
        await super().save(using_db, update_fields, force_create, force_update)

    class Meta:
        abstract = True


class Customer(_PhoneDigits):
    """An account: the organisation or person a ticket is for."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="customers", on_delete=fields.CASCADE
    )
    tenant_id: int
    kind = fields.CharEnumField(CustomerKind, default=CustomerKind.INDIVIDUAL)
    name = fields.CharField(max_length=200, db_index=True)
    phone = fields.CharField(max_length=50, null=True, db_index=True)
    phone_digits = fields.CharField(max_length=50, null=True, db_index=True)
    email = fields.CharField(max_length=254, null=True)
    external_ref = fields.CharField(max_length=100, null=True, db_index=True)
    notes = fields.TextField(default="")
    # Who added it: they may name it by id afterwards (auth/customers.py).
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "customer"


class Contact(_PhoneDigits):
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
    phone_digits = fields.CharField(max_length=50, null=True, db_index=True)
    email = fields.CharField(max_length=254, null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "contact"


class CustomerGrant(Model):
    """A customer or contact a lookup showed a user: they may name it by id until `until`."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, on_delete=fields.CASCADE
    )
    user_id: int
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "workorder.Customer", related_name=False, null=True, on_delete=fields.CASCADE
    )
    customer_id: int | None
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "workorder.Contact", related_name=False, null=True, on_delete=fields.CASCADE
    )
    contact_id: int | None
    until = fields.DatetimeField()

    class Meta:
        table = "customer_grant"
        indexes = (("user_id", "customer_id"), ("user_id", "contact_id"))
