"""Inputs of the org-directory and session mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from workorder.schema.org.types import SCOPE_LIST, RoleEnum


@strawberry.input(description="A user's credentials, to start a session.")
class LoginInput:
    tenant: str = strawberry.field(description="The tenant's slug.")
    username: str = strawberry.field(description="The user's sign-in name within the tenant.")
    password: str = strawberry.field(description="The user's password.")


@strawberry.input(description="The refresh token to trade for a new pair of tokens.")
class RefreshTokenInput:
    refresh_token: str = strawberry.field(
        description="The refresh token of the last login or refresh; it is spent by this call "
        "(a spent token presented again ends the whole session)."
    )


@strawberry.input(description="The session to end.")
class LogoutInput:
    refresh_token: str = strawberry.field(
        description="The session's refresh token. The session of the access token used for "
        "the call ends in any case; a token of another user is ignored."
    )


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


_PERMISSIONS = (
    "Extra grants on top of the roles: ticket.transfer, ticket.export, ticket.import, "
    "ticket.batch, ticket.reopen; any other name is refused (INVALID)."
)


@strawberry.input(description="A new user account of your tenant.")
class CreateUserInput:
    username: str = strawberry.field(
        description="Sign-in name, unique in the tenant: 1 to 150 letters, digits or . _ @ -, "
        "starting with a letter or digit."
    )
    password: str = strawberry.field(description="Initial password: at least 8 characters.")
    display_name: str = strawberry.field(
        default="", description="Name shown to colleagues; empty by default."
    )
    email: str | None = strawberry.field(
        default=None, description="Where mail for the user goes; null: none."
    )
    roles: list[RoleEnum] = strawberry.field(  # type: ignore[valid-type]
        default_factory=lambda: [RoleEnum.AGENT],
        description="At least one role; AGENT when left out.",
    )
    permissions: list[str] = strawberry.field(default_factory=list, description=_PERMISSIONS)
    superior_id: strawberry.ID | None = strawberry.field(
        default=None, description="The user's superior (a User id); null: none."
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="The user's main department (a Department id); null: none."
    )
    locale: str = strawberry.field(
        default="en", description="Language of the user's screens and mail, e.g. en, zh-CN."
    )


@strawberry.input(description="Fields left out keep their stored value.")
class UpdateUserInput:
    id: strawberry.ID = strawberry.field(description="The user to change.")
    display_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="New display name; null is refused."
    )
    email: str | None = strawberry.field(
        default=strawberry.UNSET, description="New mail address; null removes it."
    )
    password: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="New password (at least 8 characters); null is refused.",
    )
    roles: list[RoleEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET,
        description="Replaces the roles: at least one; you cannot take ADMIN from yourself.",
    )
    permissions: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description=f"Replaces the grants. {_PERMISSIONS}"
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="New main department; null: none."
    )
    locale: str | None = strawberry.field(
        default=strawberry.UNSET, description="New language; null is refused."
    )
    active: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="False deactivates (no more sign-in), true reactivates; you cannot "
        "deactivate yourself.",
    )


@strawberry.input(description="The user to deactivate.")
class DeactivateUserInput:
    id: strawberry.ID = strawberry.field(
        description="The user; once deactivated they can no longer sign in."
    )


@strawberry.input(description="Who a user reports to.")
class SetUserSuperiorInput:
    user_id: strawberry.ID = strawberry.field(description="The user whose superior changes.")
    superior_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null removes the superior."
    )


@strawberry.input(description="A new department of the tree.")
class CreateDepartmentInput:
    name: str = strawberry.field(description="The department's name.")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The department above it; null: a top-level department."
    )
    head_id: strawberry.ID | None = strawberry.field(
        default=None, description="The user who heads it; null: nobody yet."
    )


@strawberry.input(description="Fields left out keep their stored value; null clears.")
class UpdateDepartmentInput:
    id: strawberry.ID = strawberry.field(description="The department to change.")
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="New name; null is refused."
    )
    parent_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="New department above it (not itself or one below it); null: top level.",
    )
    head_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="New head (a User id); null: nobody."
    )


@strawberry.input(description="A new agent group.")
class CreateGroupInput:
    name: str = strawberry.field(description="The group's name, unique in the tenant.")
    description: str = strawberry.field(
        default="", description="What the group handles; empty by default."
    )
    member_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Its agents (User ids); none by default."
    )
    supervisor_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Its supervisors (User ids), who assign the tickets waiting in the group.",
    )


@strawberry.input(description="Lists given replace the stored ones; fields left out are kept.")
class UpdateGroupInput:
    id: strawberry.ID = strawberry.field(description="The group to change.")
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="New name, unique in the tenant; null is refused."
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="New description; null is refused."
    )
    active: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="False marks the group as no longer in use (nothing is removed); null is "
        "refused.",
    )
    member_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="The whole new member list; null is refused."
    )
    supervisor_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="The whole new supervisor list; null is refused."
    )


@strawberry.input(description="Narrows the users list; conditions given must all hold.")
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
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only users whose main department is this one."
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only members of this group."
    )
