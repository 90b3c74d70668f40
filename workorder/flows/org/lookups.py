"""Users and groups of a tenant looked up by id, the members and supervisors of a group."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tortoise.queryset import QuerySet

from workorder.errors import not_found
from workorder.models import Group, User


def active_members_of(group_ids: Iterable[int]) -> QuerySet[User]:
    """The members of these groups who are active users: the one definition of "an active
    member" (a deactivated user keeps their memberships but is offered no work)."""
    return User.filter(member_of__id__in=list(group_ids), active=True)


def active_members(group_id: int) -> QuerySet[User]:
    return active_members_of([group_id])


async def is_active_member(group_id: int, user_id: int) -> bool:
    return await active_members(group_id).filter(id=user_id).exists()


async def may_be_given_work(user_id: int, group_id: int | None) -> bool:
    """Whether work may go back to this user: an active member of the group it waits in, or,
    outside any group, an active user."""
    if group_id is None:
        return await User.filter(id=user_id, active=True).exists()
    return await is_active_member(group_id, user_id)


async def members_of(group_id: int) -> list[User]:
    return await active_members(group_id).order_by("id")


async def supervisors_of(group_id: int | None) -> list[int]:
    if group_id is None:
        return []
    group = await Group.get(id=group_id)
    return [u.id for u in await group.supervisors.filter(active=True).order_by("id")]


async def users_of_tenant(tenant_id: int, ids: Iterable[int], field: Sequence[str]) -> list[User]:
    """Load users by id, all of them in the tenant, or fail naming the input."""
    wanted = list(dict.fromkeys(ids))
    users = await User.filter(tenant_id=tenant_id, id__in=wanted) if wanted else []
    if len(users) != len(wanted):
        raise not_found("User", field)
    order = {uid: i for i, uid in enumerate(wanted)}
    return sorted(users, key=lambda u: order[u.id])


async def user_of_tenant(tenant_id: int, user_id: int, field: Sequence[str]) -> User:
    user = await User.filter(tenant_id=tenant_id, id=user_id).first()
    if user is None:
        raise not_found("User", field)
    return user
