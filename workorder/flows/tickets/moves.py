"""Moving a ticket through its workflow: forward, return, transfer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workorder.auth.actor import Actor
from workorder.errors import invalid
from workorder.flows.org.lookups import active_members, may_be_given_work, supervisors_of
from workorder.flows.templates.branches import way_for
from workorder.flows.templates.field_values import Mode
from workorder.flows.tickets.create import link_attachments
from workorder.flows.tickets.finish import finish
from workorder.flows.tickets.handling import field_diff, merged_values, tell_route
from workorder.flows.tickets.notes import keep_note
from workorder.flows.tickets.notifications import label, notify
from workorder.flows.tickets.opening import add_participant, apply, open_ticket, record
from workorder.flows.tickets.routing import Route, assigned, by_rule, enter_step, retained
from workorder.flows.tickets.state_machine import Action
from workorder.flows.tickets.targets import people_of, place_of
from workorder.flows.unit_of_work import unit_of_work
from workorder.models import (
    ClaimMode,
    EventKind,
    NotificationKind,
    Role,
    Status,
    Ticket,
    TicketCandidate,
)


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
) -> Ticket:
    """Leave the step: its required fields must be filled; the next step is the one its
    branches choose for the values, else one the workflow allows; forward from a last step
    finishes the ticket."""
    opened = await open_ticket(actor, ticket_id, Action.FORWARD, expected_version)
    ticket, config, step = opened.ticket, opened.config, opened.step
    values = await merged_values(opened, actor, fields, Mode.FORWARD)
    way = way_for(config, step, values, next_step)
    base: dict[str, Any] = {"field_values": values}
    if way.step is None:
        return await finish(
            actor,
            opened,
            EventKind.FORWARDED,
            base,
            comment=comment,
            create_follow_up=create_follow_up,
            public_url=public_url,
        )
    target = way.step
    route = await enter_step(
        config,
        target,
        None,
        creator_id=ticket.creator_id,
        previous_assignee_id=ticket.assignee_id,
        chosen_assignee_id=next_assignee_id,
        to_creator=way.to_creator,
    )
    trail = [*ticket.trail, {"step": ticket.current_step, "assignee": ticket.assignee_id}]
    async with unit_of_work() as uow:
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
            data={"fields": field_diff(ticket.field_values, values)},
        )
        await keep_note(uow, actor, after, comment)
        await tell_route(uow, actor, after, event, route, f"{label(after)} reached {target.name}")
    return after


async def return_ticket(
    actor: Actor,
    ticket_id: int,
    reason: str,
    *,
    to_supervisor: bool = False,
    expected_version: int | None = None,
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
        # The creator takes their ticket back whatever the group.
        if handler is not None and await may_be_given_work(
            handler, None if handler == ticket.creator_id else group_id
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
    async with unit_of_work() as uow:
        after = await apply(ticket, {**route.changes(), "trail": trail})
        event = await record(uow, actor, EventKind.RETURNED, ticket, after, comment=reason)
        await keep_note(uow, actor, after, reason)
        await tell_route(uow, actor, after, event, route, f"Returned: {label(after)}: {reason}")
    return after


async def transfer_ticket(
    actor: Actor,
    ticket_id: int,
    *,
    user_ids: Sequence[int] = (),
    department_id: int | None = None,
    role: Role | None = None,
    group_id: int | None = None,
    step_key: str | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """To anyone, at any step (targets.py says who and where): one person takes it at once;
    several people (named, or of a department or role) must claim it as candidates; a group
    alone works as a pool, unless retainAgentOnTransfer keeps it with its creator or holder.
    The one who held it is told. Needs the ticket.transfer permission."""
    opened = await open_ticket(actor, ticket_id, Action.TRANSFER, expected_version)
    ticket, config = opened.ticket, opened.config
    if not user_ids and all(t is None for t in (department_id, role, group_id, step_key)):
        raise invalid(
            "Transfer to one or more users, a department, a role, a group or a step",
            ["userIds"],
        )
    people = await people_of(actor, user_ids, department_id, role)
    step, target_group = await place_of(actor, config, ticket, group_id, step_key)
    key = step.key if step else None
    told = people
    if len(people) == 1:
        route = assigned(key, target_group, people[0])
    elif people:
        route = Route(Status.PENDING, target_group, key, claim_mode=ClaimMode.CANDIDATES)
    elif target_group is None:
        raise invalid("This step has no group: transfer to users", ["userIds"])
    elif keeper := await retained(config, target_group, ticket.creator_id, ticket.assignee_id):
        route, told = assigned(key, target_group, keeper), [keeper]
    else:
        route = Route(Status.PENDING, target_group, key, claim_mode=ClaimMode.POOL)
        told = [u.id for u in await active_members(target_group)]
    route.notify = [(NotificationKind.TRANSFERRED, told)]
    previous = ticket.assignee_id
    trail = [*ticket.trail, {"step": ticket.current_step, "assignee": ticket.assignee_id}]
    async with unit_of_work() as uow:
        after = await apply(ticket, {**route.changes(), "trail": trail})
        await TicketCandidate.filter(ticket_id=ticket.id).delete()
        if len(people) > 1:
            for person in people:
                await TicketCandidate.create(ticket_id=ticket.id, user_id=person)
        if route.assignee_id is not None:
            await add_participant(after.id, route.assignee_id)
        data: dict[str, Any] = {"users": people, "group": target_group}
        if department_id is not None:
            data["department"] = department_id
        if role is not None:
            data["role"] = str(role)
        event = await record(
            uow, actor, EventKind.TRANSFERRED, ticket, after, comment=comment, data=data
        )
        await keep_note(uow, actor, after, comment)
        await tell_route(uow, actor, after, event, route, f"Transferred to you: {label(after)}")
        if previous is not None and previous not in told:
            await notify(
                uow,
                after,
                event,
                NotificationKind.TRANSFERRED,
                [previous],
                f"Transferred away from you: {label(after)}",
                skip=actor.user_id,
            )
    return after
