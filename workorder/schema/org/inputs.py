"""Inputs of the org-directory and session mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from workorder.schema.org.types import SCOPE_LIST, RoleEnum


@strawberry.input
class LoginInput:
    tenant: str = strawberry.field(description="The tenant's slug.")
    username: str
    password: str


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.input
class LogoutInput:
    refresh_token: str


@strawberry.input(description="A new partner API token.")
class CreateApiTokenInput:
    name: str = strawberry.field(description="What the token is for (1 to 200 characters).")
    scopes: list[str] = strawberry.field(
        description=(
            "At least one scope name (case-insensitive); an unknown one is refused with "
            f"INVALID. Broad scopes imply narrow ones. The scopes: {SCOPE_LIST}"
        )
    )
    expires_at: datetime | None = strawberry.field(
        default=None,
        description=(
            "When the token stops working (with a time zone offset; in the future). "
            "Left out: until revoked."
        ),
    )
    integration_name: str | None = strawberry.field(
        default=None,
        description=(
            "Act as this integration's service account instead of as you: a user of the "
            "tenant with this username, made on first use (isIntegration, no password, "
            "cannot sign in) and shown as the actor of what the token changes. Its reach "
            "is what administrators give it (roles here, groups and departments as for "
            "any user). A name a person already uses is refused (CONFLICT)."
        ),
    )
    integration_roles: list[RoleEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None,
        description=(
            "The roles of a new integration user (any for an administrator; AGENT when left out). "
            "Refused for an existing one: change its roles with updateUser."
        ),
    )


@strawberry.input(description="Which API token to revoke.")
class RevokeApiTokenInput:
    id: strawberry.ID = strawberry.field(description="The token's global id.")


@strawberry.input
class CreateUserInput:
    username: str
    password: str
    display_name: str = ""
    email: str | None = None
    roles: list[RoleEnum] = strawberry.field(  # type: ignore[valid-type]
        default_factory=lambda: [RoleEnum.AGENT]
    )
    permissions: list[str] = strawberry.field(default_factory=list)
    superior_id: strawberry.ID | None = None
    department_id: strawberry.ID | None = None
    locale: str = "en"


@strawberry.input(description="Fields left out keep their stored value.")
class UpdateUserInput:
    id: strawberry.ID
    display_name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    password: str | None = strawberry.UNSET
    roles: list[RoleEnum] | None = strawberry.UNSET  # type: ignore[valid-type]
    permissions: list[str] | None = strawberry.UNSET
    department_id: strawberry.ID | None = strawberry.UNSET
    locale: str | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


@strawberry.input
class DeactivateUserInput:
    id: strawberry.ID


@strawberry.input
class SetUserSuperiorInput:
    user_id: strawberry.ID
    superior_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null removes the superior."
    )


@strawberry.input
class CreateDepartmentInput:
    name: str
    parent_id: strawberry.ID | None = None
    head_id: strawberry.ID | None = None


@strawberry.input(description="Fields left out keep their stored value; null clears.")
class UpdateDepartmentInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    parent_id: strawberry.ID | None = strawberry.UNSET
    head_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class CreateGroupInput:
    name: str
    description: str = ""
    member_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    supervisor_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input(description="Lists given replace the stored ones; fields left out are kept.")
class UpdateGroupInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET
    member_ids: list[strawberry.ID] | None = strawberry.UNSET
    supervisor_ids: list[strawberry.ID] | None = strawberry.UNSET


@strawberry.input
class UserFilter:
    search: str | None = strawberry.field(
        default=None, description="Part of the username or display name."
    )
    active: bool | None = strawberry.field(
        default=None,
        description=(
            "Active or deactivated users. The flag is private (see User.active): it matches "
            "only users whose flag you may read."
        ),
    )
    department_id: strawberry.ID | None = None
    group_id: strawberry.ID | None = None
