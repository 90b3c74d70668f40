"""The org directory: users, departments, groups — queries and admin mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from tortoise.expressions import Q

from workorder.flows.org import departments, groups, users
from workorder.flows.org.cleaning import Keep
from workorder.models import Department, Group, Role, User
from workorder.resolvers.arguments import (
    decode_id,
    decode_ids,
    decode_optional_id,
    keep_or,
    not_null,
)
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.org.inputs import (
    CreateDepartmentInput,
    CreateGroupInput,
    CreateUserInput,
    DeactivateUserInput,
    SetUserSuperiorInput,
    UpdateDepartmentInput,
    UpdateGroupInput,
    UpdateUserInput,
    UserFilter,
)
from workorder.schema.org.payloads import (
    CreateDepartmentPayload,
    CreateGroupPayload,
    CreateUserPayload,
    DeactivateUserPayload,
    SetUserSuperiorPayload,
    UpdateDepartmentPayload,
    UpdateGroupPayload,
    UpdateUserPayload,
)
from workorder.schema.org.types import (
    DepartmentConnection,
    DepartmentType,
    GroupConnection,
    GroupType,
    UserConnection,
    UserType,
)
from workorder.schema.pagination import AfterArg, BeforeArg, FirstArg, LastArg, paginate


async def users_query(
    info: Info,
    filter: Annotated[
        UserFilter | None, strawberry.argument(description="Conditions users must meet.")
    ] = None,
    first: FirstArg = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
) -> UserConnection:
    actor = info.context.require_actor()
    query = User.filter(tenant_id=actor.tenant_id)
    if filter is not None:
        if filter.search:
            query = query.filter(
                Q(username__icontains=filter.search) | Q(display_name__icontains=filter.search)
            )
        if filter.active is not None:
            # The active flag is private: only users whose flag the caller sees can match.
            insight = await info.context.org.insight.load(actor)
            query = query.filter(insight.q(), active=filter.active)
        if filter.department_id is not None:
            query = query.filter(
                department_id=decode_id(filter.department_id, "Department", ["filter"])
            )
        if filter.group_id is not None:
            query = query.filter(member_of__id=decode_id(filter.group_id, "Group", ["filter"]))
    return await paginate(
        query,
        UserType.of,
        UserConnection,
        first=first,
        after=after,
        last=last,
        before=before,
        key="username",
    )


async def groups_query(
    info: Info,
    first: FirstArg = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
) -> GroupConnection:
    actor = info.context.require_actor()
    return await paginate(
        Group.filter(tenant_id=actor.tenant_id),
        GroupType.of,
        GroupConnection,
        first=first,
        after=after,
        last=last,
        before=before,
        key="name",
    )


async def departments_query(
    info: Info,
    first: FirstArg = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
) -> DepartmentConnection:
    actor = info.context.require_actor()
    return await paginate(
        Department.filter(tenant_id=actor.tenant_id),
        DepartmentType.of,
        DepartmentConnection,
        first=first,
        after=after,
        last=last,
        before=before,
    )


async def create_user(
    info: Info,
    input: Annotated[CreateUserInput, strawberry.argument(description="The user to create.")],
) -> CreateUserPayload:
    actor = info.context.require_actor()

    async def action() -> User:
        return await users.create_user(
            actor,
            users.NewUser(
                username=input.username,
                password=input.password,
                display_name=input.display_name,
                email=input.email,
                roles=[Role(r) for r in input.roles],
                permissions=input.permissions,
                superior_id=decode_optional_id(input.superior_id, "User", ["superiorId"]),
                department_id=decode_optional_id(
                    input.department_id, "Department", ["departmentId"]
                ),
                locale=input.locale,
            ),
        )

    return await mutate(
        CreateUserPayload,
        action,
        lambda u: CreateUserPayload(user=UserType.of(u)),
    )


def _ids(ids: list[strawberry.ID] | Keep, field: str) -> list[int] | Keep:
    return ids if isinstance(ids, Keep) else decode_ids(ids, "User", [field])


def _roles(roles: list[Role] | Keep) -> list[Role] | Keep:
    return roles if isinstance(roles, Keep) else [Role(r) for r in roles]


async def update_user(
    info: Info,
    input: Annotated[UpdateUserInput, strawberry.argument(description="The user and the changes.")],
) -> UpdateUserPayload:
    actor = info.context.require_actor()

    async def action() -> User:
        changes = users.UserChanges(
            display_name=not_null(input.display_name, "displayName"),
            email=keep_or(input.email, str),
            password=not_null(input.password, "password"),
            roles=_roles(not_null(input.roles, "roles")),
            permissions=not_null(input.permissions, "permissions"),
            department_id=keep_or(
                input.department_id, lambda g: decode_id(g, "Department", ["departmentId"])
            ),
            locale=not_null(input.locale, "locale"),
            active=not_null(input.active, "active"),
        )
        return await users.update_user(actor, decode_id(input.id, "User", ["id"]), changes)

    return await mutate(
        UpdateUserPayload,
        action,
        lambda u: UpdateUserPayload(user=UserType.of(u)),
    )


async def deactivate_user(
    info: Info,
    input: Annotated[
        DeactivateUserInput, strawberry.argument(description="The user to deactivate.")
    ],
) -> DeactivateUserPayload:
    actor = info.context.require_actor()

    async def action() -> User:
        return await users.deactivate_user(actor, decode_id(input.id, "User", ["id"]))

    return await mutate(
        DeactivateUserPayload,
        action,
        lambda u: DeactivateUserPayload(user=UserType.of(u)),
    )


async def set_user_superior(
    info: Info,
    input: Annotated[
        SetUserSuperiorInput, strawberry.argument(description="The user and their new superior.")
    ],
) -> SetUserSuperiorPayload:
    actor = info.context.require_actor()

    async def action() -> User:
        return await users.set_superior(
            actor,
            decode_id(input.user_id, "User", ["userId"]),
            decode_optional_id(input.superior_id, "User", ["superiorId"]),
        )

    return await mutate(
        SetUserSuperiorPayload,
        action,
        lambda u: SetUserSuperiorPayload(user=UserType.of(u)),
    )


async def create_department(
    info: Info,
    input: Annotated[
        CreateDepartmentInput, strawberry.argument(description="The department to create.")
    ],
) -> CreateDepartmentPayload:
    actor = info.context.require_actor()

    async def action() -> Department:
        return await departments.create_department(
            actor,
            input.name,
            parent_id=decode_optional_id(input.parent_id, "Department", ["parentId"]),
            head_id=decode_optional_id(input.head_id, "User", ["headId"]),
        )

    return await mutate(
        CreateDepartmentPayload,
        action,
        lambda d: CreateDepartmentPayload(department=DepartmentType.of(d)),
    )


async def update_department(
    info: Info,
    input: Annotated[
        UpdateDepartmentInput, strawberry.argument(description="The department and the changes.")
    ],
) -> UpdateDepartmentPayload:
    actor = info.context.require_actor()

    async def action() -> Department:
        return await departments.update_department(
            actor,
            decode_id(input.id, "Department", ["id"]),
            name=not_null(input.name, "name"),
            parent_id=keep_or(input.parent_id, lambda g: decode_id(g, "Department", ["parentId"])),
            head_id=keep_or(input.head_id, lambda g: decode_id(g, "User", ["headId"])),
        )

    return await mutate(
        UpdateDepartmentPayload,
        action,
        lambda d: UpdateDepartmentPayload(department=DepartmentType.of(d)),
    )


async def create_group(
    info: Info,
    input: Annotated[CreateGroupInput, strawberry.argument(description="The group to create.")],
) -> CreateGroupPayload:
    actor = info.context.require_actor()

    async def action() -> Group:
        return await groups.create_group(
            actor,
            input.name,
            description=input.description,
            member_ids=decode_ids(input.member_ids, "User", ["memberIds"]),
            supervisor_ids=decode_ids(input.supervisor_ids, "User", ["supervisorIds"]),
        )

    return await mutate(
        CreateGroupPayload,
        action,
        lambda g: CreateGroupPayload(group=GroupType.of(g)),
    )


async def update_group(
    info: Info,
    input: Annotated[
        UpdateGroupInput, strawberry.argument(description="The group and the changes.")
    ],
) -> UpdateGroupPayload:
    actor = info.context.require_actor()

    async def action() -> Group:
        members = not_null(input.member_ids, "memberIds")
        supervisors = not_null(input.supervisor_ids, "supervisorIds")
        return await groups.update_group(
            actor,
            decode_id(input.id, "Group", ["id"]),
            name=not_null(input.name, "name"),
            description=not_null(input.description, "description"),
            active=not_null(input.active, "active"),
            member_ids=_ids(members, "memberIds"),
            supervisor_ids=_ids(supervisors, "supervisorIds"),
        )

    return await mutate(
        UpdateGroupPayload,
        action,
        lambda g: UpdateGroupPayload(group=GroupType.of(g)),
    )
