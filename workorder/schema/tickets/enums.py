"""The enums of tickets, notifications and interactions as GraphQL names them."""

from __future__ import annotations

import strawberry

from workorder.flows.tickets.state_machine import Action
from workorder.models import (
    Channel,
    ClaimMode,
    Direction,
    EventKind,
    NotificationKind,
    Priority,
    Source,
    Status,
    TeamAccess,
)

TicketStatusEnum = strawberry.enum(Status, name="TicketStatus")
PriorityEnum = strawberry.enum(Priority, name="Priority")
SourceEnum = strawberry.enum(Source, name="Source")
TeamAccessEnum = strawberry.enum(TeamAccess, name="TeamAccess")
EventKindEnum = strawberry.enum(EventKind, name="TicketEventKind")
NotificationKindEnum = strawberry.enum(NotificationKind, name="NotificationKind")
TicketActionEnum = strawberry.enum(Action, name="TicketAction")
ChannelEnum = strawberry.enum(Channel, name="Channel")
DirectionEnum = strawberry.enum(Direction, name="Direction")
ClaimModeEnum = strawberry.enum(ClaimMode, name="ClaimMode")
