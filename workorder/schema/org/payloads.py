"""Payloads of the session, token, user, department and group mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from workorder.schema.errors import UserError
from workorder.schema.org.types import ApiTokenType, DepartmentType, GroupType, UserType


@strawberry.type
class SessionPayload:
    access_token: str | None = strawberry.field(
        default=None,
        description="Bearer token for the Authorization header of every request (and the "
        "WebSocket connection_init); short-lived (15 minutes by default). Null on failure.",
    )
    access_token_expires_at: datetime | None = strawberry.field(
        default=None, description="When the access token stops working: refresh before."
    )
    refresh_token: str | None = strawberry.field(
        default=None,
        description="Single-use token for refreshToken (30 days by default); keep it secret. "
        "Null on failure.",
    )
    refresh_token_expires_at: datetime | None = strawberry.field(
        default=None, description="When the refresh token expires: sign in again after."
    )
    user: UserType | None = strawberry.field(
        default=None, description="The signed-in user; null on failure."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


@strawberry.type(description="A new session, or why none was started (errors).")
class LoginPayload(SessionPayload):
    retry_after_seconds: int | None = strawberry.field(
        default=None,
        description=(
            "With a RATE_LIMITED error: how many seconds to wait before the next attempt"
            " (also sent as the Retry-After header)."
        ),
    )


@strawberry.type(
    description="A fresh pair of tokens for the same session; the refresh token sent is spent."
)
class RefreshTokenPayload(SessionPayload):
    pass


@strawberry.type(description="The end of a session.")
class LogoutPayload:
    ok: bool = strawberry.field(
        default=False, description="True once the session's tokens no longer work."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


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
    user: UserType | None = strawberry.field(
        default=None, description="The user as now stored; null when refused."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


@strawberry.type(description="The user created, or why not (errors).")
class CreateUserPayload(UserPayload):
    pass


@strawberry.type(description="The user changed, or why not (errors).")
class UpdateUserPayload(UserPayload):
    pass


@strawberry.type(description="The user deactivated, or why not (errors).")
class DeactivateUserPayload(UserPayload):
    pass


@strawberry.type(description="The user with the new superior, or why not (errors).")
class SetUserSuperiorPayload(UserPayload):
    pass


@strawberry.type
class DepartmentPayload:
    department: DepartmentType | None = strawberry.field(
        default=None, description="The department as now stored; null when refused."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


@strawberry.type(description="The department created, or why not (errors).")
class CreateDepartmentPayload(DepartmentPayload):
    pass


@strawberry.type(description="The department changed, or why not (errors).")
class UpdateDepartmentPayload(DepartmentPayload):
    pass


@strawberry.type
class GroupPayload:
    group: GroupType | None = strawberry.field(
        default=None, description="The group as now stored; null when refused."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


@strawberry.type(description="The group created, or why not (errors).")
class CreateGroupPayload(GroupPayload):
    pass


@strawberry.type(description="The group changed, or why not (errors).")
class UpdateGroupPayload(GroupPayload):
    pass
