"""The Subscription root: live pushes over graphql-transport-ws."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from workorder.resolvers.tickets import subscriptions
from workorder.schema.batch.jobs import JobType
from workorder.schema.permissions import authenticated
from workorder.schema.tickets.queues import QueueCountType
from workorder.schema.tickets.types import NotificationType, TicketEventType


@strawberry.type
class Subscription:
    notifications: AsyncGenerator[NotificationType, None] = strawberry.subscription(
        resolver=subscriptions.notifications,
        extensions=authenticated(),
        description="Your notifications: those after `after` first (resume), then live.",
    )
    unread_notification_count: AsyncGenerator[int, None] = strawberry.subscription(
        resolver=subscriptions.unread_notification_count,
        extensions=authenticated(),
        description="The unread badge: now, then whenever it changes.",
    )
    ticket_changed: AsyncGenerator[TicketEventType, None] = strawberry.subscription(
        resolver=subscriptions.ticket_changed,
        extensions=authenticated(),
        description="A ticket's events as they happen, while you may see it.",
    )
    queue_changed: AsyncGenerator[QueueCountType, None] = strawberry.subscription(
        resolver=subscriptions.queue_changed,
        extensions=authenticated(),
        description="A group's queue, for its members and supervisors.",
    )
    job_progress: AsyncGenerator[JobType, None] = strawberry.subscription(
        resolver=subscriptions.job_progress,
        extensions=authenticated(),
        description="A long job's progress, until it finishes.",
    )
