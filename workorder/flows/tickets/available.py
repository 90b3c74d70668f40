"""What the caller may do to a ticket right now, with the choices each action offers —
computed from the same state machine and rules the actions enforce."""

from __future__ import annotations

from dataclasses import dataclass, field

from workorder.auth.actor import Actor
from workorder.flows.templates.branches import next_for
from workorder.flows.templates.config import Step
from workorder.flows.tickets.opening import config_of
from workorder.flows.tickets.rules import may, standing_of
from workorder.flows.tickets.state_machine import Action, allowed_in
from workorder.models import Ticket, TicketTeamMember


@dataclass(frozen=True, slots=True)
class ReturnTarget:
    step: Step | None
    assignee_id: int | None


@dataclass(frozen=True, slots=True)
class Available:
    action: Action
    next_steps: list[Step] = field(default_factory=list)
    finishes: bool = False
    return_to: ReturnTarget | None = None
    to_supervisor: bool = False


async def available_actions(actor: Actor, ticket: Ticket) -> list[Available]:
    """The caller already sees the ticket (the resolver got it through the visibility rule)."""
    config = await config_of(ticket)
    standing = await standing_of(actor, ticket, config.edit_limit)  # the request's reach
    read_only = not actor.can_write
    step = config.step(ticket.current_step) if ticket.current_step else None
    found: list[Available] = []
    for action in Action:
        if not allowed_in(action, ticket.status) or not may(action, standing):
            continue
        if read_only and action not in (Action.FOLLOW, Action.UNFOLLOW, Action.URGE):
            continue
        if (
            action == Action.REMOVE_TEAM_MEMBER
            and not await TicketTeamMember.filter(ticket_id=ticket.id).exists()
        ):
            continue
        if action == Action.FORWARD:
            # For the values as they are: a decision already made shows where it leads.
            choices = next_for(config, step, ticket.field_values)
            found.append(Available(action, next_steps=choices, finishes=not choices))
        elif action == Action.RETURN:
            back = ticket.trail[-1] if ticket.trail else None
            target = (
                ReturnTarget(
                    config.step(back["step"]) if back.get("step") else None, back.get("assignee")
                )
                if back
                else None
            )
            found.append(Available(action, return_to=target, to_supervisor=True))
        else:
            found.append(Available(action))
    return found
