"""What every ticket action shares: opening the ticket under the rules, the optimistic
lock and the trace event."""

from __future__ import annotations

from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from typing import Any

from workorder.auth.actor import Actor
from workorder.auth.audience import audience_of
from workorder.auth.permissions import require_write
from workorder.auth.visibility import visible_tickets
from workorder.clock import now
from workorder.errors import ErrorCode, FlowError, forbidden, not_found
from workorder.flows.templates.config import Step, TemplateConfig
from workorder.flows.tickets import notifications
from workorder.flows.tickets.rules import Standing, links_in, may, standing_of, with_links
from workorder.flows.tickets.state_machine import Action, check_status
from workorder.flows.unit_of_work import UnitOfWork
from workorder.flows.webhooks import outbox as webhooks
from workorder.models import (
    EventKind,
    Status,
    TemplateVersion,
    Ticket,
    TicketEvent,
    TicketParticipant,
)
from workorder.subscriptions.messages import (
    Push,
    QueueChanged,
    TicketChanged,
    TicketTouched,
    row_wire,
)


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
    # One statement: the ticket under the visibility rule, its pinned version and the
    # caller's own rows on it (team, follower, candidate); the reach is the request's.
    visible = (await visible_tickets(actor)).filter(id=ticket_id)
    ticket = await with_links(visible, actor, ticket_id).select_related("template_version").first()
    if ticket is None:
        raise not_found("Ticket", ["id"])
    if expected_version is not None and expected_version != ticket.version:
        raise FlowError(
            ErrorCode.STALE,
            f"The ticket is at version {ticket.version}, not {expected_version}: reload it",
            ["expectedVersion"],
        )
    check_status(action, ticket.status)
    config = TemplateConfig.from_json(ticket.template_version.config)
    standing = await standing_of(actor, ticket, config.edit_limit, links_in(ticket))
    if not may(action, standing):
        raise forbidden(f"You may not {action.lower().replace('_', ' ')} this ticket")
    return Opened(ticket, config, standing)


async def apply(
    ticket: Ticket, changes: dict[str, Any], *, lost: ErrorCode = ErrorCode.STALE
) -> Ticket:
    """Write `changes` only if nobody changed the ticket since it was read.

    The row count of the conditional UPDATE decides, the same on SQLite and PostgreSQL.
    The row is not read back: after a won UPDATE it is exactly the one read plus `changes`.
    """
    stamp = now()
    written = await Ticket.filter(id=ticket.id, version=ticket.version).update(
        **changes, version=ticket.version + 1, updated_at=stamp
    )
    if written != 1:
        message = (
            "Someone else took this ticket first"
            if lost == ErrorCode.CONFLICT
            else "The ticket was changed meanwhile: reload it"
        )
        raise FlowError(lost, message)
    after = copy(ticket)
    for name, value in {**changes, "version": ticket.version + 1, "updated_at": stamp}.items():
        setattr(after, name, value)
    return after


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
    uow.publish_after_commit(lambda: ticket_changed(event))
    uow.before_commit(lambda: webhooks.ticket_event_committing(event))  # the outbox
    uow.before_commit(
        lambda: notifications.cc_mail(event, after)
    )  # mail to the CC, with the change
    if Status.PENDING in (before.status, after.status):
        for group_id in {before.current_group_id, after.current_group_id}:
            if group_id is not None:
                uow.publish(QueueChanged(group_id, after.id))
    return event


async def ticket_changed(event: TicketEvent) -> list[Push]:
    """The pushes of an event: to the ticket's watchers, the event as stored, and to the
    tenant's live lists, that it changed; both with who may see the ticket once the whole
    action has committed (read here, once, for every socket in every process)."""
    audience = await audience_of(event.ticket_id)
    wire = None if audience is None else audience.to_wire()
    kind = str(event.kind)
    return [
        TicketChanged(event.ticket_id, event.id, kind, row_wire(event), wire),
        TicketTouched(event.tenant_id, event.ticket_id, kind, wire),
    ]


async def add_participant(ticket_id: int, user_id: int) -> None:
    """One statement: the (ticket, user) unique key turns a second insert into a no-op."""
    row = TicketParticipant(ticket_id=ticket_id, user_id=user_id)
    await TicketParticipant.bulk_create([row], ignore_conflicts=True)
