"""Batch loaders for the org directory, every one scoped to the caller's tenant."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader
from tortoise.queryset import QuerySet

from workorder.auth.actor import Actor
from workorder.auth.directory import Insight, insight_of
from workorder.dataloaders.by_id import rows_by_id
from workorder.flows.org.lookups import active_members_of
from workorder.models import Department, Group, User


class OrgLoaders:
    def __init__(self, tenant_id: int) -> None:
        self.tenant_id = tenant_id
        self.user = DataLoader(self._users)
        self.department = DataLoader(self._departments)
        self.group = DataLoader(self._groups)
        self.group_members = DataLoader(self._group_members)
        self.active_group_members = DataLoader(self._active_group_members)
        self.group_supervisors = DataLoader(self._group_supervisors)
        self.groups_of_user = DataLoader(self._groups_of_user)
        # Keyed by the caller: one look-up per request however many users a page shows.
        self.insight = DataLoader(self._insights)

    async def _users(self, ids: Sequence[int]) -> list[User | None]:
        rows = await rows_by_id(User, self.tenant_id, ids)
        return [rows.get(i) for i in ids]

    async def _insights(self, actors: Sequence[Actor]) -> list[Insight]:
        return [await insight_of(a) for a in actors]

    async def _departments(self, ids: Sequence[int]) -> list[Department | None]:
        rows = {d.id: d for d in await Department.filter(tenant_id=self.tenant_id, id__in=ids)}
        return [rows.get(i) for i in ids]

    async def _groups(self, ids: Sequence[int]) -> list[Group | None]:
        rows = {g.id: g for g in await Group.filter(tenant_id=self.tenant_id, id__in=ids)}
        return [rows.get(i) for i in ids]

    async def _users_by_group(
        self, users: QuerySet[User], relation: str, group_ids: Sequence[int]
    ) -> list[list[User]]:
        """`users`, already narrowed to the groups through `relation`, by group and username."""
        rows = await users.filter(tenant_id=self.tenant_id).values("id", group=f"{relation}__id")
        by_group: dict[int, list[int]] = defaultdict(list)
        for row in rows:
            by_group[row["group"]].append(row["id"])
        loaded = {u.id: u for u in await User.filter(id__in={r["id"] for r in rows})}
        return [
            sorted((loaded[uid] for uid in by_group.get(gid, [])), key=lambda u: u.username)
            for gid in group_ids
        ]

    async def _group_members(self, group_ids: Sequence[int]) -> list[list[User]]:
        members = User.filter(member_of__id__in=group_ids)
        return await self._users_by_group(members, "member_of", group_ids)

    async def _active_group_members(self, group_ids: Sequence[int]) -> list[list[User]]:
        """Members offered work (a pool's candidates), by the one "active member" rule."""
        return await self._users_by_group(active_members_of(group_ids), "member_of", group_ids)

    async def _group_supervisors(self, group_ids: Sequence[int]) -> list[list[User]]:
        supervisors = User.filter(supervisor_of__id__in=group_ids)
        return await self._users_by_group(supervisors, "supervisor_of", group_ids)

    async def _groups_of_user(self, user_ids: Sequence[int]) -> list[list[Group]]:
        rows = await Group.filter(tenant_id=self.tenant_id, members__id__in=user_ids).values(
            "id", user="members__id"
        )
        by_user: dict[int, list[int]] = defaultdict(list)
        for row in rows:
            by_user[row["user"]].append(row["id"])
        groups = {g.id: g for g in await Group.filter(id__in={r["id"] for r in rows})}
        return [
            sorted((groups[gid] for gid in by_user.get(uid, [])), key=lambda g: g.name)
            for uid in user_ids
        ]
