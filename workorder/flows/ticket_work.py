"""Working a ticket through its workflow: save, claim, assign, forward, return, transfer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workorder.auth.actor import Actor
from workorder.errors import ErrorCode, FlowError, invalid, not_found
from workorder.flows.field_values import Mode
from workorder.flows.finish import finish
from workorder.flows.routing import Route, assigned, by_rule, enter_step
from workorder.flows.sla import apply_sla
from workorder.flows.state_machine import Action
from workorder.flows.ticket_common import (
    Opened,
    add_participant,
    apply,
    label,
    notify,
    now,
    open_ticket,
    record,
    status_mail,
    supervisors_of,
)
from workorder.flows.ticket_create import check_values, clean_cc, link_attachments
from workorder.flows.unit_of_work import Bus, UnitOfWork, unit_of_work
from workorder.models import (
    ClaimMode,
    EventKind,
    Group,
    NotificationKind,
    Priority,
    Status,
    Ticket,
    TicketCandidate,
    TicketEvent,
    User,
)

_KEEP: Any = object()


async def _values(
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


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: {"before": before.get(k), "after": after.get(k)}
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


async def _tell(
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
    bus: Bus | None = None,
) -> Ticket:
    """Content changes; nothing moves. Who may: see the template's edit limit."""
    opened = await open_ticket(actor, ticket_id, Action.SAVE, expected_version)
    ticket = opened.ticket
    changes: dict[str, Any] = {}
    if title is not None:
        from workorder.flows.common import clean_name

        changes["title"] = clean_name(title, ["title"], max_length=300)
    if description is not None:
        changes["description"] = description.strip()
    if priority is not None and opened.config.priority_enabled:
        changes["priority"] = priority
    if cc is not None:
        changes["cc"] = clean_cc(cc)
    if fields is not None:
        changes["field_values"] = await _values(opened, actor, fields, Mode.SAVE)
    data: dict[str, Any] = {
        name: {"before": getattr(ticket, name), "after": value}
        for name, value in changes.items()
        if name != "field_values" and getattr(ticket, name) != value
    }
    if "field_values" in changes:
        data["fields"] = _diff(ticket.field_values, changes["field_values"])
    async with unit_of_work(bus) as uow:
        after = await apply(ticket, changes)
        after = await apply_sla(after, ticket)
        await link_attachments(after, opened.config, after.field_values)
        await record(uow, actor, EventKind.SAVED, ticket, after, data=data)
    return after


async def claim_ticket(
    actor: Actor, ticket_id: int, *, expected_version: int | None = None, bus: Bus | None = None
) -> Ticket:
    """Of many simultaneous claims exactly one wins: the conditional update decides."""
    try:
        opened = await open_ticket(actor, ticket_id, Action.CLAIM, expected_version)
    except FlowError as error:
        if await _lost_the_race(actor, ticket_id, error):
            raise FlowError(ErrorCode.CONFLICT, "Someone else claimed this ticket first") from error
        raise
    ticket = opened.ticket
    async with unit_of_work(bus) as uow:
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
        await TicketCandidate.filter(ticket_id=ticket.id).delete()
        await add_participant(ticket.id, actor.user_id)
        await record(uow, actor, EventKind.CLAIMED, ticket, after)
        await status_mail(after, opened.config, ticket.status)
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
    bus: Bus | None = None,
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
        and not await Group.filter(id=ticket.current_group_id, members__id=user_id).exists()
    ):
        raise invalid("Assign to a member of the ticket's group", ["userId"])
    route = assigned(ticket.current_step, ticket.current_group_id, user_id)
    async with unit_of_work(bus) as uow:
        after = await apply(
            ticket,
            {**route.changes(), "first_response_at": ticket.first_response_at or now()},
            lost=ErrorCode.CONFLICT,
        )
        await TicketCandidate.filter(ticket_id=ticket.id).delete()
        await add_participant(ticket.id, user_id)
        event = await record(uow, actor, EventKind.ASSIGNED, ticket, after, comment=comment)
        await _tell(uow, actor, after, event, route, f"Assigned to you: {label(after)}")
        await status_mail(after, opened.config, ticket.status)
    return after


async def forward_ticket(
    actor: Actor,
    ticket_id: int,
    *,
    next_step: str | None = None,
    next_assignee_id: int | None = None,
    fields: Mapping[str, Any] | None = None,
    comment: str = "",
    expected_version: int | None = None,
    create_follow_up: bool | None = None,
    public_url: str | None = None,
    bus: Bus | None = None,
) -> Ticket:
    """Leave the step: its required fields must be filled; the next step is one the workflow
    allows; forward from a last step finishes the ticket."""
    opened = await open_ticket(actor, ticket_id, Action.FORWARD, expected_version)
    ticket, config, step = opened.ticket, opened.config, opened.step
    values = await _values(opened, actor, fields, Mode.FORWARD)
    choices = config.next_steps(step) if step else []
    base: dict[str, Any] = {"field_values": values}
    if not choices:
        if next_step is not None:
            raise invalid("This step finishes the ticket: there is no next step", ["nextStep"])
        return await finish(
            actor,
            opened,
            EventKind.FORWARDED,
            base,
            comment=comment,
            create_follow_up=create_follow_up,
            public_url=public_url,
            bus=bus,
        )
    if next_step is None:
        if len(choices) > 1:
            raise invalid(
                "Choose the next step: " + ", ".join(s.key for s in choices), ["nextStep"]
            )
        target = choices[0]
    else:
        found = next((s for s in choices if s.key == next_step), None)
        if found is None:
            raise invalid(f"Step {next_step!r} is not a next step from here", ["nextStep"])
        target = found
    route = await enter_step(
        config,
        target,
        None,
        creator_id=ticket.creator_id,
        previous_assignee_id=ticket.assignee_id,
        chosen_assignee_id=next_assignee_id,
    )
    trail = [*ticket.trail, {"step": ticket.current_step, "assignee": ticket.assignee_id}]
    async with unit_of_work(bus) as uow:
        after = await apply(ticket, {**base, **route.changes(), "trail": trail})
        await link_attachments(after, config, values)
        if route.assignee_id is not None:
            await add_participant(after.id, route.assignee_id)
        event = await record(
            uow,
            actor,
            EventKind.FORWARDED,
            ticket,
            after,
            comment=comment,
            data={"fields": _diff(ticket.field_values, values)},
        )
        await _tell(uow, actor, after, event, route, f"{label(after)} reached {target.name}")
        await status_mail(after, config, ticket.status)
    return after


async def return_ticket(
    actor: Actor,
    ticket_id: int,
    reason: str,
    *,
    to_supervisor: bool = False,
    expected_version: int | None = None,
    bus: Bus | None = None,
) -> Ticket:
    """Back to the previous step and its handler (repeated returns walk further back), or to
    the group's supervisor. A reason is required: the one receiving it must know why."""
    opened = await open_ticket(actor, ticket_id, Action.RETURN, expected_version)
    ticket, config = opened.ticket, opened.config
    reason = reason.strip()
    if not reason:
        raise invalid("Say why you return it", ["reason"])
    trail = list(ticket.trail)
    if to_supervisor or not trail:
        route = Route(
            Status.PENDING,
            ticket.current_group_id,
            ticket.current_step,
            claim_mode=ClaimMode.SUPERVISOR,
            notify=[(NotificationKind.RETURNED, await supervisors_of(ticket.current_group_id))],
        )
    else:
        back = trail.pop()
        step = config.step(back["step"]) if back.get("step") else None
        group_id = step.group_id if step else ticket.current_group_id
        handler: int | None = back.get("assignee")
        still_there = handler is not None and await User.filter(id=handler, active=True).exists()
        if (
            handler is not None
            and still_there
            and (
                group_id is None
                or handler == ticket.creator_id
                or await Group.filter(id=group_id, members__id=handler).exists()
            )
        ):
            route = assigned(step.key if step else None, group_id, handler)
            route.notify = [(NotificationKind.RETURNED, [handler])]
        else:
            route = (
                await by_rule(step, group_id)
                if group_id
                else assigned(None, None, ticket.creator_id)
            )
            route.notify = [(NotificationKind.RETURNED, ids) for _, ids in route.notify]
    async with unit_of_work(bus) as uow:
        after = await apply(ticket, {**route.changes(), "trail": trail})
        event = await record(uow, actor, EventKind.RETURNED, ticket, after, comment=reason)
        await _tell(uow, actor, after, event, route, f"Returned: {label(after)}: {reason}")
        await status_mail(after, config, ticket.status)
    return after


async def transfer_ticket(
    actor: Actor,
    ticket_id: int,
    *,
    user_ids: Sequence[int] = (),
    group_id: int | None = None,
    step_key: str | None = None,
    comment: str = "",
    expected_version: int | None = None,
    bus: Bus | None = None,
) -> Ticket:
    """To anyone, at any step: one user takes it at once; several users or a group must
    claim it. Needs the ticket.transfer permission."""
    opened = await open_ticket(actor, ticket_id, Action.TRANSFER, expected_version)
    ticket, config = opened.ticket, opened.config
    step = opened.step
    if step_key is not None:
        step = config.step(step_key)
        if step is None:
            raise not_found("Step", ["stepKey"])
    target_group = (
        group_id or (step.group_id if step and step_key else None) or ticket.current_group_id
    )
    if (
        group_id is not None
        and not await Group.filter(tenant_id=actor.tenant_id, id=group_id).exists()
    ):
        raise not_found("Group", ["groupId"])
    people = list(dict.fromkeys(user_ids))
    if people and await User.filter(
        tenant_id=actor.tenant_id, id__in=people, active=True
    ).count() != len(people):
        raise not_found("User", ["userIds"])
    if not people and group_id is None and step_key is None:
        raise invalid("Transfer to one or more users, a group or a step", ["userIds"])
    key = step.key if step else None
    if len(people) == 1:
        route = assigned(key, target_group, people[0])
        route.notify = [(NotificationKind.TRANSFERRED, people)]
    elif people:
        route = Route(
            Status.PENDING,
            target_group,
            key,
            claim_mode=ClaimMode.CANDIDATES,
            notify=[(NotificationKind.TRANSFERRED, people)],
        )
    elif target_group is None:
        raise invalid("This step has no group: transfer to users", ["userIds"])
    else:
        members = [u.id for u in await User.filter(member_of__id=target_group, active=True)]
        route = Route(
            Status.PENDING,
            target_group,
            key,
            claim_mode=ClaimMode.POOL,
            notify=[(NotificationKind.TRANSFERRED, members)],
        )
    trail = [*ticket.trail, {"step": ticket.current_step, "assignee": ticket.assignee_id}]
    async with unit_of_work(bus) as uow:
        after = await apply(ticket, {**route.changes(), "trail": trail})
        await TicketCandidate.filter(ticket_id=ticket.id).delete()
        if len(people) > 1:
            for person in people:
                await TicketCandidate.create(ticket_id=ticket.id, user_id=person)
        if route.assignee_id is not None:
            await add_participant(after.id, route.assignee_id)
        event = await record(
            uow,
            actor,
            EventKind.TRANSFERRED,
            ticket,
            after,
            comment=comment,
            data={"users": people, "group": target_group},
        )
        await _tell(uow, actor, after, event, route, f"Transferred to you: {label(after)}")
        await status_mail(after, config, ticket.status)
    return after
