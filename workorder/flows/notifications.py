"""A user's notifications: read state only; they are written by the ticket actions."""

from __future__ import annotations

from collections.abc import Sequence

from workorder.auth.actor import Actor
from workorder.flows.ticket_common import now
from workorder.models import Notification


async def mark_read(actor: Actor, ids: Sequence[int] | None = None) -> int:
    """Mark the caller's notifications read (all when no ids); returns how many changed."""
    query = Notification.filter(tenant_id=actor.tenant_id, recipient_id=actor.user_id, read_at=None)
    if ids is not None:
        query = query.filter(id__in=list(ids))
    return await query.update(read_at=now())


async def unread_count(actor: Actor) -> int:
    return await Notification.filter(
        tenant_id=actor.tenant_id, recipient_id=actor.user_id, read_at=None
    ).count()
