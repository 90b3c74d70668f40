"""Locking a ticket (seed 003: status "Unlocked"/"Normal"): its person in charge or an
administrator freezes it, and `rules.may` then refuses every action but the unlocking."""

from __future__ import annotations

from workorder.auth.actor import Actor
from workorder.flows.tickets.opening import apply, open_ticket, record
from workorder.flows.tickets.state_machine import Action
from workorder.flows.unit_of_work import unit_of_work
from workorder.models import EventKind, Ticket


async def lock_ticket(actor: Actor, ticket_id: int, comment: str = "") -> Ticket:
    """Locked, with a LOCKED event. Locking a locked ticket is refused like any other
    action on it (FORBIDDEN: only UNLOCK is open)."""
    return await _set_lock(actor, ticket_id, Action.LOCK, comment)


async def unlock_ticket(actor: Actor, ticket_id: int, comment: str = "") -> Ticket:
    """Back to normal, with an UNLOCKED event; refused (FORBIDDEN) on a ticket not locked,
    so the timeline never shows an unlock that changed nothing."""
    return await _set_lock(actor, ticket_id, Action.UNLOCK, comment)


async def _set_lock(actor: Actor, ticket_id: int, action: Action, comment: str) -> Ticket:
    opened = await open_ticket(actor, ticket_id, action)
    locking = action == Action.LOCK
    kind = EventKind.LOCKED if locking else EventKind.UNLOCKED
    async with unit_of_work() as uow:
        after = await apply(opened.ticket, {"locked": locking})
        await record(uow, actor, kind, opened.ticket, after, comment=comment.strip())
    return after
