"""Root fields of the org directory and sessions."""

from __future__ import annotations

import strawberry

from workorder.resolvers import node as node_resolvers
from workorder.resolvers.org import directory, session, tenant_settings
from workorder.schema.node import Node
from workorder.schema.org.payloads import (
    CreateApiTokenPayload,
    CreateDepartmentPayload,
    CreateGroupPayload,
    CreateUserPayload,
    DeactivateUserPayload,
    LoginPayload,
    LogoutPayload,
    RefreshTokenPayload,
    RevokeApiTokenPayload,
    SetUserSuperiorPayload,
    UpdateDepartmentPayload,
    UpdateGroupPayload,
    UpdateUserPayload,
)
from workorder.schema.org.tenant_settings import TenantSettingsType, UpdateTenantSettingsPayload
from workorder.schema.org.types import (
    ApiTokenConnection,
    DepartmentConnection,
    GroupConnection,
    UserConnection,
    UserType,
)
from workorder.schema.permissions import authenticated


@strawberry.type
class OrgQuery:
    me: UserType = strawberry.field(
        resolver=node_resolvers.me, extensions=authenticated(), description="The caller."
    )
    node: Node | None = strawberry.field(
        resolver=node_resolvers.node,
        extensions=authenticated(),
        description="Any object by global id; null when it does not exist or is not yours.",
    )
    users: UserConnection = strawberry.field(
        resolver=directory.users_query,
        extensions=authenticated(),
        description="The users of your tenant, by username. Everyone signed in sees names, "
        "groups and departments; private fields are null unless you are responsible for "
        "the user.",
    )
    groups: GroupConnection = strawberry.field(
        resolver=directory.groups_query,
        extensions=authenticated(),
        description="The agent groups of your tenant, by name; open to everyone signed in.",
    )
    departments: DepartmentConnection = strawberry.field(
        resolver=directory.departments_query,
        extensions=authenticated(),
        description="The departments of your tenant, oldest first; open to everyone signed in.",
    )
    api_tokens: ApiTokenConnection = strawberry.field(
        resolver=session.api_tokens,
        extensions=authenticated(),
        description="The tenant's partner API tokens, revoked and expired ones included "
        "(administrators only).",
    )
    tenant_settings: TenantSettingsType = strawberry.field(
        resolver=tenant_settings.tenant_settings_query,
        extensions=authenticated(),
        description="Your tenant's settings.",
    )


@strawberry.type
class OrgMutation:
    login: LoginPayload = strawberry.mutation(
        resolver=session.login,
        description="Start a session with a username and password: an access token and a "
        "refresh token. Repeated failures from one user or address are throttled "
        "(RATE_LIMITED with retryAfterSeconds). No token needed.",
    )
    refresh_token: RefreshTokenPayload = strawberry.mutation(
        resolver=session.refresh_token,
        description="Trade the refresh token for a new pair; the old one is spent. A refresh "
        "token used twice ends its whole session (UNAUTHENTICATED). No access token needed.",
    )
    logout: LogoutPayload = strawberry.mutation(
        resolver=session.logout,
        extensions=authenticated(),
        description="End your session at once: its access and refresh tokens stop working.",
    )
    create_api_token: CreateApiTokenPayload = strawberry.mutation(
        resolver=session.create_api_token,
        extensions=authenticated(),
        description="Make a partner API token, acting as you or as a named integration's "
        "service account, within the scopes given (administrators).",
    )
    revoke_api_token: RevokeApiTokenPayload = strawberry.mutation(
        resolver=session.revoke_api_token,
        extensions=authenticated(),
        description="Revoke an API token: refused from now on, its open subscriptions end "
        "(administrators).",
    )
    create_user: CreateUserPayload = strawberry.mutation(
        resolver=directory.create_user,
        extensions=authenticated(),
        description="Add a user account. Administrators only.",
    )
    update_user: UpdateUserPayload = strawberry.mutation(
        resolver=directory.update_user,
        extensions=authenticated(),
        description="Change a user's details, roles, grants or password. Administrators only.",
    )
    deactivate_user: DeactivateUserPayload = strawberry.mutation(
        resolver=directory.deactivate_user,
        extensions=authenticated(),
        description="Stop a user from signing in; their open sessions end at once. "
        "Administrators only; not yourself.",
    )
    set_user_superior: SetUserSuperiorPayload = strawberry.mutation(
        resolver=directory.set_user_superior,
        extensions=authenticated(),
        description="Set or clear who a user reports to (no cycles). Administrators only.",
    )
    create_department: CreateDepartmentPayload = strawberry.mutation(
        resolver=directory.create_department,
        extensions=authenticated(),
        description="Add a department to the tree. Administrators only.",
    )
    update_department: UpdateDepartmentPayload = strawberry.mutation(
        resolver=directory.update_department,
        extensions=authenticated(),
        description="Rename, move or change the head of a department. Administrators only.",
    )
    create_group: CreateGroupPayload = strawberry.mutation(
        resolver=directory.create_group,
        extensions=authenticated(),
        description="Add an agent group with its members and supervisors. Administrators only.",
    )
    update_group: UpdateGroupPayload = strawberry.mutation(
        resolver=directory.update_group,
        extensions=authenticated(),
        description="Change a group's name, description, flag, members or supervisors. "
        "Administrators only.",
    )
    update_tenant_settings: UpdateTenantSettingsPayload = strawberry.mutation(
        resolver=tenant_settings.update_tenant_settings,
        extensions=authenticated(),
        description="Administrators only.",
    )
