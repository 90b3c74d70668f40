from tortoise import fields
from tortoise.models import Model


class Tenant(Model):
    """One company: the boundary no query ever crosses."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tenant"
