from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class CustomerLookupMode(StrEnum):
    """How the customer search matches what an agent types or a phone system hands over."""

    EXACT = "EXACT"
    FUZZY = "FUZZY"


class Tenant(Model):
    """One company: the boundary no query ever crosses."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    active = fields.BooleanField(default=True)
    # A desk fed by a CTI system looks callers up by the exact number it hands over; a desk
    # where agents type wants part of a name to be enough. Each tenant picks its own default.
    # db_default too: the column is added to tenants that already exist.
    customer_lookup_mode = fields.CharEnumField(
        CustomerLookupMode, default=CustomerLookupMode.FUZZY, db_default=CustomerLookupMode.FUZZY
    )
    # The ticket sheet's columns of an export (chosen in the ticket settings);
    # NULL: every system column and every custom field.
    export_columns: list[str] | None = fields.JSONField(null=True)
    # Seed 003: whether a superior sees the tickets of the people reporting to them (at any
    # depth). On by default, as it always was; some companies keep each desk's work to itself.
    superiors_see_subordinates = fields.BooleanField(default=True, db_default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tenant"
