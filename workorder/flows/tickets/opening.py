"""What every ticket action shares: opening the ticket under the rules, the optimistic
lock and the trace event."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workorder.auth.actor import Actor
from workorder.auth.permissions import require_write
from workorder.auth.visibility import visible_ticket
from workorder.clock import now
from workorder.errors import ErrorCode, FlowError, forbidden
from workorder.flows.templates.config import Step, TemplateConfig
from workorder.flows.tickets.rules import Standing, may, standing_of
from workorder.flows.tickets.state_machine import Action, check_status
from workorder.flows.unit_of_work import UnitOfWork
from workorder.models import (
    EventKind,
    Status,
    TemplateVersion,
    Ticket,
    TicketEvent,
    TicketParticipant,
)
from workorder.subscriptions.channels import group_channel, ticket_channel


async def config_of(ticket: Ticket) -> TemplateConfig:
    version = await TemplateVersion.get(id=ticket.template_version_id)
    return TemplateConfig.from_json(version.config)


@dataclass(slots=True)
class Opened:
    """A ticket opened for one action: its pinned configuration and the caller's standing."""

    ticket: Ticket
    config: TemplateConfig
    standing: Standing

    @property
    def step(self) -> Step | None:
        key = self.ticket.current_step
        return self.config.step(key) if key else None


async def open_ticket(
    actor: Actor, ticket_id: int, action: Action, expected_version: int | None = None
) -> Opened:
    """Visible (else NOT_FOUND), at the version the caller saw (else STALE), in a status the
    action starts from (else WRONG_STATUS), and allowed to the caller (else FORBIDDEN)."""
    require_write(actor)  # following and urging change the ticket too (priority, SLA)
    ticket = await visible_ticket(actor, ticket_id)
    if expected_version is not None and expected_version != ticket.version:
        raise FlowError(
            ErrorCode.STALE,
            f"The ticket is at version {ticket.version}, not {expected_version}: reload it",
            ["expectedVersion"],
        )
    check_status(action, ticket.status)
    config = await config_of(ticket)
    standing = await standing_of(actor, ticket, config.edit_limit)
    if not may(action, standing):
        raise forbidden(f"You may not {action.lower().replace('_', ' ')} this ticket")
    return Opened(ticket, config, standing)


async def apply(
    ticket: Ticket, changes: dict[str, Any], *, lost: ErrorCode = ErrorCode.STALE
) -> Ticket:
    """Write `changes` only if nobody changed the ticket since it was read.

    The row count of the conditional UPDATE decides, the same on SQLite and PostgreSQL.
    """
    written = await Ticket.filter(id=ticket.id, version=ticket.version).update(
        **changes, version=ticket.version + 1, updated_at=now()
    )
    if written != 1:
        message = (
            "Someone else took this ticket first"
            if lost == ErrorCode.CONFLICT
            else "The ticket was changed meanwhile: reload it"
        )
        raise FlowError(lost, message)
    return await Ticket.get(id=ticket.id)


async def record(
    uow: UnitOfWork,
    actor: Actor | None,
    kind: EventKind,
    before: Ticket,
    after: Ticket,
    *,
    comment: str = "",
    data: dict[str, Any] | None = None,
    attachments: Iterable[int] = (),
) -> TicketEvent:
    """The one event of the action, and the pushes that tell watchers of the ticket."""
    event = await TicketEvent.create(
        tenant_id=after.tenant_id,
        ticket_id=after.id,
        kind=kind,
        actor_id=actor.user_id if actor else None,
        from_status=before.status,
        to_status=after.status,
        from_step=before.current_step,
        to_step=after.current_step,
        from_assignee_id=before.assignee_id,
        to_assignee_id=after.assignee_id,
        comment=comment,
        data=data or {},
        attachments=list(attachments),
    )
    message = {"ticketId": after.id, "eventId": event.id, "kind": str(kind)}
    uow.publish(ticket_channel(after.id), message)
    for group_id in {before.current_group_id, after.current_group_id} - {None}:
        if Status.PENDING in (before.status, after.status):
            uow.publish(group_channel(group_id), {"groupId": group_id, "ticketId": after.id})  # type: ignore[arg-type]
    return event


async def add_participant(ticket_id: int, user_id: int) -> None:
    """Changes to one ticket are serialised by its version, so check-then-create is safe."""
    await TicketParticipant.get_or_create(ticket_id=ticket_id, user_id=user_id)
