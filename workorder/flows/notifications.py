"""A user's notifications: read state only; they are written by the ticket actions."""

from __future__ import annotations

from collections.abc import Sequence

from workorder.auth.actor import Actor
from workorder.flows.ticket_common import now
from workorder.flows.unit_of_work import Bus, unit_of_work
from workorder.models import Notification
from workorder.subscriptions.channels import user_channel


async def mark_read(
    actor: Actor, ids: Sequence[int] | None = None, *, bus: Bus | None = None
) -> int:
    """Mark the caller's notifications read (all when no ids); returns how many changed.
    The caller's other sockets hear of it (their unread badge)."""
    query = Notification.filter(tenant_id=actor.tenant_id, recipient_id=actor.user_id, read_at=None)
    if ids is not None:
        query = query.filter(id__in=list(ids))
    async with unit_of_work(bus) as uow:
        changed = await query.update(read_at=now())
        if changed:
            uow.publish(user_channel(actor.user_id), {"kind": "READ", "count": changed})
    return changed


async def unread_count(actor: Actor) -> int:
    return await Notification.filter(
        tenant_id=actor.tenant_id, recipient_id=actor.user_id, read_at=None
    ).count()
