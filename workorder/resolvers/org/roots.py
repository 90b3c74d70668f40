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
        resolver=directory.users_query, extensions=authenticated()
    )
    groups: GroupConnection = strawberry.field(
        resolver=directory.groups_query, extensions=authenticated()
    )
    departments: DepartmentConnection = strawberry.field(
        resolver=directory.departments_query, extensions=authenticated()
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
    login: LoginPayload = strawberry.mutation(resolver=session.login)
    refresh_token: RefreshTokenPayload = strawberry.mutation(resolver=session.refresh_token)
    logout: LogoutPayload = strawberry.mutation(resolver=session.logout, extensions=authenticated())
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
        resolver=directory.create_user, extensions=authenticated()
    )
    update_user: UpdateUserPayload = strawberry.mutation(
        resolver=directory.update_user, extensions=authenticated()
    )
    deactivate_user: DeactivateUserPayload = strawberry.mutation(
        resolver=directory.deactivate_user, extensions=authenticated()
    )
    set_user_superior: SetUserSuperiorPayload = strawberry.mutation(
        resolver=directory.set_user_superior, extensions=authenticated()
    )
    create_department: CreateDepartmentPayload = strawberry.mutation(
        resolver=directory.create_department, extensions=authenticated()
    )
    update_department: UpdateDepartmentPayload = strawberry.mutation(
        resolver=directory.update_department, extensions=authenticated()
    )
    create_group: CreateGroupPayload = strawberry.mutation(
        resolver=directory.create_group, extensions=authenticated()
    )
    update_group: UpdateGroupPayload = strawberry.mutation(
        resolver=directory.update_group, extensions=authenticated()
    )
    update_tenant_settings: UpdateTenantSettingsPayload = strawberry.mutation(
        resolver=tenant_settings.update_tenant_settings,
        extensions=authenticated(),
        description="Administrators only.",
    )
