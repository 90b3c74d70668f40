"""`me` and `node(id:)`: global ids resolved within the caller's tenant only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from workorder.models import ApiToken
from workorder.schema.context import Context, Info
from workorder.schema.node import Node, from_global_id
from workorder.schema.org import ApiTokenType, DepartmentType, GroupType, UserType


async def _user(context: Context, pk: int) -> Node | None:
    user = await context.org.user.load(pk)
    return UserType.of(user) if user else None


async def _department(context: Context, pk: int) -> Node | None:
    department = await context.org.department.load(pk)
    return DepartmentType.of(department) if department else None


async def _group(context: Context, pk: int) -> Node | None:
    group = await context.org.group.load(pk)
    return GroupType.of(group) if group else None


async def _api_token(context: Context, pk: int) -> Node | None:
    actor = context.require_actor()
    if not actor.is_admin:
        return None
    token = await ApiToken.filter(tenant_id=actor.tenant_id, id=pk).first()
    return ApiTokenType.of(token) if token else None


NODE_LOADERS: dict[str, Callable[[Context, int], Awaitable[Node | None]]] = {
    "User": _user,
    "Department": _department,
    "Group": _group,
    "ApiToken": _api_token,
}


async def node(info: Info, id: strawberry.ID) -> Node | None:
    """Null for a malformed id, an unknown type, or an object of another tenant."""
    decoded = from_global_id(id)
    if decoded is None or decoded[0] not in NODE_LOADERS:
        return None
    type_name, pk = decoded
    return await NODE_LOADERS[type_name](info.context, pk)


async def me(info: Info) -> UserType:
    actor = info.context.require_actor()
    user = await info.context.org.user.load(actor.user_id)
    if user is None:  # deleted between authentication and now
        raise PermissionError("not authenticated")
    return UserType.of(user)
