"""The root types and the assembled schema."""

from __future__ import annotations

import strawberry

from workorder.resolvers import dictionaries as dictionary_resolvers
from workorder.resolvers import node as node_resolvers
from workorder.resolvers import org, session
from workorder.resolvers import templates as template_resolvers
from workorder.schema.extensions import extensions
from workorder.schema.node import Node
from workorder.schema.org import (
    ApiTokenConnection,
    DepartmentConnection,
    DepartmentType,
    GroupConnection,
    GroupType,
    UserConnection,
    UserType,
)
from workorder.schema.org_inputs import (
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
from workorder.schema.permissions import authenticated
from workorder.schema.template_inputs import (
    AddTemplateFieldPayload,
    ArchiveTemplatePayload,
    CopyTemplatePayload,
    CreateDictionaryPayload,
    CreateTemplatePayload,
    LoadDictionaryItemsPayload,
    RemoveDictionaryItemPayload,
    RemoveTemplateFieldPayload,
    ReorderTemplateFieldsPayload,
    SetTemplateWorkflowPayload,
    UpdateDictionaryItemPayload,
    UpdateDictionaryPayload,
    UpdateTemplateFieldPayload,
    UpdateTemplatePayload,
)
from workorder.schema.templates import (
    DictionaryConnection,
    DictionaryItemType,
    DictionaryType,
    TemplateConnection,
    TemplateType,
    TemplateVersionType,
)
from workorder.settings import Settings


@strawberry.type
class Query:
    me: UserType = strawberry.field(
        resolver=node_resolvers.me, extensions=authenticated(), description="The caller."
    )
    node: Node | None = strawberry.field(
        resolver=node_resolvers.node,
        extensions=authenticated(),
        description="Any object by global id; null when it does not exist or is not yours.",
    )
    users: UserConnection = strawberry.field(resolver=org.users_query, extensions=authenticated())
    groups: GroupConnection = strawberry.field(
        resolver=org.groups_query, extensions=authenticated()
    )
    departments: DepartmentConnection = strawberry.field(
        resolver=org.departments_query, extensions=authenticated()
    )
    api_tokens: ApiTokenConnection = strawberry.field(
        resolver=session.api_tokens, extensions=authenticated()
    )
    templates: TemplateConnection = strawberry.field(
        resolver=template_resolvers.templates_query, extensions=authenticated()
    )
    template: TemplateType | None = strawberry.field(
        resolver=template_resolvers.template_query, extensions=authenticated()
    )
    template_version: TemplateVersionType | None = strawberry.field(
        resolver=template_resolvers.template_version_query, extensions=authenticated()
    )
    dictionaries: DictionaryConnection = strawberry.field(
        resolver=dictionary_resolvers.dictionaries_query, extensions=authenticated()
    )
    dictionary: DictionaryType | None = strawberry.field(
        resolver=dictionary_resolvers.dictionary_query, extensions=authenticated()
    )


@strawberry.type
class Mutation:
    login: LoginPayload = strawberry.mutation(resolver=session.login)
    refresh_token: RefreshTokenPayload = strawberry.mutation(resolver=session.refresh_token)
    logout: LogoutPayload = strawberry.mutation(resolver=session.logout, extensions=authenticated())
    create_api_token: CreateApiTokenPayload = strawberry.mutation(
        resolver=session.create_api_token, extensions=authenticated()
    )
    revoke_api_token: RevokeApiTokenPayload = strawberry.mutation(
        resolver=session.revoke_api_token, extensions=authenticated()
    )
    create_user: CreateUserPayload = strawberry.mutation(
        resolver=org.create_user, extensions=authenticated()
    )
    update_user: UpdateUserPayload = strawberry.mutation(
        resolver=org.update_user, extensions=authenticated()
    )
    deactivate_user: DeactivateUserPayload = strawberry.mutation(
        resolver=org.deactivate_user, extensions=authenticated()
    )
    set_user_superior: SetUserSuperiorPayload = strawberry.mutation(
        resolver=org.set_user_superior, extensions=authenticated()
    )
    create_department: CreateDepartmentPayload = strawberry.mutation(
        resolver=org.create_department, extensions=authenticated()
    )
    update_department: UpdateDepartmentPayload = strawberry.mutation(
        resolver=org.update_department, extensions=authenticated()
    )
    create_group: CreateGroupPayload = strawberry.mutation(
        resolver=org.create_group, extensions=authenticated()
    )
    update_group: UpdateGroupPayload = strawberry.mutation(
        resolver=org.update_group, extensions=authenticated()
    )
    create_template: CreateTemplatePayload = strawberry.mutation(
        resolver=template_resolvers.create_template, extensions=authenticated()
    )
    update_template: UpdateTemplatePayload = strawberry.mutation(
        resolver=template_resolvers.update_template, extensions=authenticated()
    )
    archive_template: ArchiveTemplatePayload = strawberry.mutation(
        resolver=template_resolvers.archive_template, extensions=authenticated()
    )
    copy_template: CopyTemplatePayload = strawberry.mutation(
        resolver=template_resolvers.copy_template, extensions=authenticated()
    )
    add_template_field: AddTemplateFieldPayload = strawberry.mutation(
        resolver=template_resolvers.add_template_field, extensions=authenticated()
    )
    update_template_field: UpdateTemplateFieldPayload = strawberry.mutation(
        resolver=template_resolvers.update_template_field, extensions=authenticated()
    )
    reorder_template_fields: ReorderTemplateFieldsPayload = strawberry.mutation(
        resolver=template_resolvers.reorder_template_fields, extensions=authenticated()
    )
    remove_template_field: RemoveTemplateFieldPayload = strawberry.mutation(
        resolver=template_resolvers.remove_template_field, extensions=authenticated()
    )
    set_template_workflow: SetTemplateWorkflowPayload = strawberry.mutation(
        resolver=template_resolvers.set_template_workflow, extensions=authenticated()
    )
    create_dictionary: CreateDictionaryPayload = strawberry.mutation(
        resolver=dictionary_resolvers.create_dictionary, extensions=authenticated()
    )
    update_dictionary: UpdateDictionaryPayload = strawberry.mutation(
        resolver=dictionary_resolvers.update_dictionary, extensions=authenticated()
    )
    load_dictionary_items: LoadDictionaryItemsPayload = strawberry.mutation(
        resolver=dictionary_resolvers.load_dictionary_items, extensions=authenticated()
    )
    update_dictionary_item: UpdateDictionaryItemPayload = strawberry.mutation(
        resolver=dictionary_resolvers.update_dictionary_item, extensions=authenticated()
    )
    remove_dictionary_item: RemoveDictionaryItemPayload = strawberry.mutation(
        resolver=dictionary_resolvers.remove_dictionary_item, extensions=authenticated()
    )


def build_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[
            UserType,
            GroupType,
            DepartmentType,
            TemplateType,
            TemplateVersionType,
            DictionaryType,
            DictionaryItemType,
        ],
        extensions=extensions(settings),
    )
