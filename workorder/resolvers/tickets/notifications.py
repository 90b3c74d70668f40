"""Notifications: the caller's feed as a page, its unread count, and marking them read."""

from __future__ import annotations

from typing import Annotated

import strawberry

from workorder.flows.tickets import notifications
from workorder.models import Notification
from workorder.resolvers.arguments import decode_ids
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.pagination import AfterArg, BeforeArg, FirstArg, LastArg, paginate
from workorder.schema.tickets.inputs import MarkNotificationsReadInput
from workorder.schema.tickets.payloads import MarkNotificationsReadPayload
from workorder.schema.tickets.types import NotificationConnection, NotificationType


async def notifications_query(
    info: Info,
    unread: Annotated[
        bool | None,
        strawberry.argument(description="True: only unread; false: only read; left out: both."),
    ] = None,
    first: FirstArg = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
) -> NotificationConnection:
    actor = info.context.require_actor()
    query = Notification.filter(tenant_id=actor.tenant_id, recipient_id=actor.user_id)
    if unread is not None:
        query = query.filter(read_at=None) if unread else query.filter(read_at__not_isnull=True)
    return await paginate(
        query,
        NotificationType.of,
        NotificationConnection,
        first=first,
        after=after,
        last=last,
        before=before,
        descending=True,
    )


async def unread_notification_count(info: Info) -> int:
    return await notifications.unread_count(info.context.require_actor())


async def mark_notifications_read(
    info: Info,
    input: Annotated[
        MarkNotificationsReadInput,
        strawberry.argument(
            description="Which of your notifications to mark read (all when ids are left out)."
        ),
    ],
) -> MarkNotificationsReadPayload:
    actor = info.context.require_actor()

    async def action() -> tuple[int, int]:
        ids = None if input.ids is None else decode_ids(input.ids, "Notification", ["ids"])
        count = await notifications.mark_read(actor, ids)
        return count, await notifications.unread_count(actor)

    return await mutate(
        MarkNotificationsReadPayload,
        action,
        lambda counts: MarkNotificationsReadPayload(count=counts[0], unread=counts[1]),
    )
