"""Payloads of the session, token, user, department and group mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from workorder.schema.errors import UserError
from workorder.schema.org.types import ApiTokenType, DepartmentType, GroupType, UserType


@strawberry.type
class SessionPayload:
    access_token: str | None = None
    access_token_expires_at: datetime | None = None
    refresh_token: str | None = None
    refresh_token_expires_at: datetime | None = None
    user: UserType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LoginPayload(SessionPayload):
    retry_after_seconds: int | None = strawberry.field(
        default=None,
        description=(
            "With a RATE_LIMITED error: how many seconds to wait before the next attempt"
            " (also sent as the Retry-After header)."
        ),
    )


@strawberry.type
class RefreshTokenPayload(SessionPayload):
    pass


@strawberry.type
class LogoutPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="The result of createApiToken.")
class CreateApiTokenPayload:
    api_token: ApiTokenType | None = strawberry.field(
        default=None, description="The new token; null when refused."
    )
    secret: str | None = strawberry.field(
        default=None,
        description=(
            "The token itself, sent as `Authorization: Bearer <secret>`. Shown once: store it now."
        ),
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why the token was not made (nothing was stored); empty on success.",
    )


@strawberry.type(description="The result of revokeApiToken.")
class RevokeApiTokenPayload:
    api_token: ApiTokenType | None = strawberry.field(
        default=None, description="The token, now revoked; null when refused."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why it was not revoked; empty on success."
    )


@strawberry.type
class UserPayload:
    user: UserType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateUserPayload(UserPayload):
    pass


@strawberry.type
class UpdateUserPayload(UserPayload):
    pass


@strawberry.type
class DeactivateUserPayload(UserPayload):
    pass


@strawberry.type
class SetUserSuperiorPayload(UserPayload):
    pass


@strawberry.type
class DepartmentPayload:
    department: DepartmentType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateDepartmentPayload(DepartmentPayload):
    pass


@strawberry.type
class UpdateDepartmentPayload(DepartmentPayload):
    pass


@strawberry.type
class GroupPayload:
    group: GroupType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateGroupPayload(GroupPayload):
    pass


@strawberry.type
class UpdateGroupPayload(GroupPayload):
    pass
