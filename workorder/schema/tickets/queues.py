"""Small types only subscriptions send."""

from __future__ import annotations

import strawberry

from workorder.flows.live.queues import QueueCount
from workorder.schema.context import Info
from workorder.schema.node import to_global_id
from workorder.schema.org.types import GroupType


@strawberry.type(name="QueueCount", description="A group's waiting tickets.")
class QueueCountType:
    group_id: strawberry.ID
    pending: int
    unassigned: int = strawberry.field(description="Waiting with nobody assigned.")
    group_pk: strawberry.Private[int]

    @classmethod
    def of(cls, count: QueueCount) -> QueueCountType:
        return cls(
            group_id=to_global_id("Group", count.group_id),
            pending=count.pending,
            unassigned=count.unassigned,
            group_pk=count.group_id,
        )

    @strawberry.field
    async def group(self, info: Info) -> GroupType | None:
        group = await info.context.org.group.load(self.group_pk)
        return GroupType.of(group) if group else None
