"""Handling a ticket at its step: save, claim, assign."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workorder.auth.actor import Actor
from workorder.clock import now
from workorder.errors import ErrorCode, FlowError, invalid, not_found
from workorder.flows.org.lookups import is_active_member
from workorder.flows.sla.sla import apply_sla
from workorder.flows.templates.field_values import Mode
from workorder.flows.tickets.create import check_values, clean_cc, link_attachments
from workorder.flows.tickets.notifications import label, notify
from workorder.flows.tickets.opening import Opened, add_participant, apply, open_ticket, record
from workorder.flows.tickets.routing import Route, assigned
from workorder.flows.tickets.state_machine import Action
from workorder.flows.unit_of_work import UnitOfWork, unit_of_work
from workorder.models import (
    ClaimMode,
    EventKind,
    Group,
    Priority,
    Status,
    Ticket,
    TicketCandidate,
    TicketEvent,
    User,
)


async def merged_values(
    opened: Opened, actor: Actor, values: Mapping[str, Any] | None, mode: Mode
) -> dict[str, Any]:
    """Validated field values merged over the stored ones (nothing when none are sent)."""
    stored = dict(opened.ticket.field_values)
    if values is None:
        if mode == Mode.FORWARD:
            await check_values(actor.tenant_id, opened.config, opened.step, {}, mode, stored)
        return stored
    await check_values(
        actor.tenant_id, opened.config, opened.step, values, mode, stored, actor=actor
    )
    merged = {**stored, **values}
    return {k: v for k, v in merged.items() if v is not None}


def field_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: {"before": before.get(k), "after": after.get(k)}
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


async def tell_route(
    uow: UnitOfWork, actor: Actor, ticket: Ticket, event: Any, route: Route, text: str
) -> None:
    for kind, recipients in route.notify:
        await notify(uow, ticket, event, kind, recipients, text, skip=actor.user_id)


async def save_ticket(
    actor: Actor,
    ticket_id: int,
    *,
    expected_version: int | None = None,
    title: str | None = None,
    description: str | None = None,
    priority: Priority | None = None,
    fields: Mapping[str, Any] | None = None,
    cc: Sequence[str] | None = None,
) -> Ticket:
    """Content changes; nothing moves. Who may: see the template's edit limit."""
    opened = await open_ticket(actor, ticket_id, Action.SAVE, expected_version)
    ticket = opened.ticket
    changes: dict[str, Any] = {}
    if title is not None:
        from workorder.flows.org.cleaning import clean_name

        changes["title"] = clean_name(title, ["title"], max_length=300)
    if description is not None:
        changes["description"] = description.strip()
    if priority is not None and opened.config.priority_enabled:
        changes["priority"] = priority
    if cc is not None:
        changes["cc"] = clean_cc(cc)
    if fields is not None:
        changes["field_values"] = await merged_values(opened, actor, fields, Mode.SAVE)
    data: dict[str, Any] = {
        name: {"before": getattr(ticket, name), "after": value}
        for name, value in changes.items()
        if name != "field_values" and getattr(ticket, name) != value
    }
    if "field_values" in changes:
        data["fields"] = field_diff(ticket.field_values, changes["field_values"])
    async with unit_of_work() as uow:
        after = await apply(ticket, changes)
        after = await apply_sla(after, ticket)
        await link_attachments(after, opened.config, after.field_values)
        await record(uow, actor, EventKind.SAVED, ticket, after, data=data)
    return after


async def claim_ticket(
    actor: Actor, ticket_id: int, *, expected_version: int | None = None
) -> Ticket:
    """Of many simultaneous claims exactly one wins: the conditional update decides."""
    try:
        opened = await open_ticket(actor, ticket_id, Action.CLAIM, expected_version)
    except FlowError as error:
        if await _lost_the_race(actor, ticket_id, error):
            raise FlowError(ErrorCode.CONFLICT, "Someone else claimed this ticket first") from error
        raise
    ticket = opened.ticket
    async with unit_of_work() as uow:
        after = await apply(
            ticket,
            {
                "status": Status.IN_PROGRESS,
                "assignee_id": actor.user_id,
                "claim_mode": None,
                "first_response_at": ticket.first_response_at or now(),
            },
            lost=ErrorCode.CONFLICT,
        )
        if ticket.claim_mode == ClaimMode.CANDIDATES:  # only a transfer names candidates
            await TicketCandidate.filter(ticket_id=ticket.id).delete()
        await add_participant(ticket.id, actor.user_id)
        await record(uow, actor, EventKind.CLAIMED, ticket, after)
    return after


async def _lost_the_race(actor: Actor, ticket_id: int, error: FlowError) -> bool:
    """A claim that arrives just after another one won finds the ticket taken — and, for a
    group member, no longer in the queue they saw it in. That is a lost race (CONFLICT), not
    a missing ticket; anyone else keeps the original answer, so nothing leaks."""
    if error.code not in (ErrorCode.WRONG_STATUS, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND):
        return False
    current = await Ticket.filter(id=ticket_id, tenant_id=actor.tenant_id, deleted_at=None).first()
    if (
        current is None
        or current.status != Status.IN_PROGRESS
        or current.assignee_id in (None, actor.user_id)
    ):
        return False
    if (
        current.current_group_id is not None
        and await Group.filter(id=current.current_group_id, members__id=actor.user_id).exists()
    ):
        return True
    # A named candidate (their candidacy ended with the winning claim): the last two events
    # are the transfer that named them and the claim that beat them.
    last = await TicketEvent.filter(ticket_id=current.id).order_by("-id").limit(2)
    return (
        len(last) == 2
        and last[0].kind == EventKind.CLAIMED
        and last[1].kind == EventKind.TRANSFERRED
        and actor.user_id in last[1].data.get("users", [])
    )


async def assign_ticket(
    actor: Actor,
    ticket_id: int,
    user_id: int,
    *,
    expected_version: int | None = None,
    comment: str = "",
) -> Ticket:
    """A supervisor gives a ticket of the group to one of its members (admins: to anyone)."""
    opened = await open_ticket(actor, ticket_id, Action.ASSIGN, expected_version)
    ticket = opened.ticket
    user = await User.filter(tenant_id=actor.tenant_id, id=user_id, active=True).first()
    if user is None:
        raise not_found("User", ["userId"])
    if (
        ticket.current_group_id is not None
        and not actor.is_admin
        and not await is_active_member(ticket.current_group_id, user_id)
    ):
        raise invalid("Assign to a member of the ticket's group", ["userId"])
    route = assigned(ticket.current_step, ticket.current_group_id, user_id)
    async with unit_of_work() as uow:
        after = await apply(
            ticket,
            {**route.changes(), "first_response_at": ticket.first_response_at or now()},
            lost=ErrorCode.CONFLICT,
        )
        await TicketCandidate.filter(ticket_id=ticket.id).delete()
        await add_participant(ticket.id, user_id)
        event = await record(uow, actor, EventKind.ASSIGNED, ticket, after, comment=comment)
        await tell_route(uow, actor, after, event, route, f"Assigned to you: {label(after)}")
    return after
