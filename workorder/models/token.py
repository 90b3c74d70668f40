from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant
    from workorder.models.user import User


class RefreshToken(Model):
    """One refresh token of a login session, stored as a hash.

    Tokens of one login share a `family`. Presenting a token that was already rotated
    revokes the whole family, because it means the token was stolen.
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    tenant_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    family = fields.CharField(max_length=32, db_index=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "refresh_token"


class ApiToken(Model):
    """A partner token, shown once at creation and kept only as a hash.

    It acts as its creator, or, with `integration_user`, as that service account of the
    tenant (a person leaving then ends none of the integration's tokens)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name="api_tokens", on_delete=fields.CASCADE
    )
    tenant_id: int
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    created_by_id: int
    name = fields.CharField(max_length=200)
    prefix = fields.CharField(max_length=16)
    token_hash = fields.CharField(max_length=64, unique=True)
    scopes: list[str] = fields.JSONField(default=list)
    integration_user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name="integration_tokens", null=True, on_delete=fields.CASCADE
    )
    integration_user_id: int | None
    expires_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "api_token"

    @property
    def acts_as_id(self) -> int:
        return self.integration_user_id or self.created_by_id
