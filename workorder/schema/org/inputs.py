"""Inputs of the org-directory and session mutations."""

from __future__ import annotations

import strawberry

from workorder.schema.org.types import RoleEnum, ScopeEnum


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


@strawberry.input
class CreateApiTokenInput:
    name: str
    scopes: list[ScopeEnum]  # type: ignore[valid-type]


@strawberry.input
class RevokeApiTokenInput:
    id: strawberry.ID


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
