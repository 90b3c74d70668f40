"""Who stays with a ticket besides its holder: owner, team members, followers."""

from __future__ import annotations

from workorder.auth.actor import Actor
from workorder.errors import ErrorCode, FlowError, invalid, not_found
from workorder.flows.tickets.notifications import label, notify
from workorder.flows.tickets.opening import add_participant, apply, open_ticket, record
from workorder.flows.tickets.state_machine import Action
from workorder.flows.unit_of_work import unit_of_work
from workorder.models import (
    EventKind,
    NotificationKind,
    Status,
    TeamAccess,
    Ticket,
    TicketCandidate,
    TicketFollower,
    TicketTeamMember,
    User,
)


async def change_owner(actor: Actor, ticket_id: int, user_id: int, comment: str = "") -> Ticket:
    """Hand the ticket to another person in charge; who may is `auth.ownership`'s rule.

    The new one must be an active user of the tenant: one of another tenant is as unknown
    as a missing one (NOT_FOUND), a deactivated colleague is refused by name (INVALID)."""
    opened = await open_ticket(actor, ticket_id, Action.CHANGE_OWNER)
    ticket = opened.ticket
    target = await User.filter(tenant_id=actor.tenant_id, id=user_id).first()
    if target is None:
        raise not_found("User", ["userId"])
    if not target.active:
        raise invalid("This user is deactivated and cannot take tickets", ["userId"])
    if ticket.assignee_id == user_id:
        raise invalid("This person is already in charge", ["userId"])
    status = Status.NEW if ticket.status == Status.NEW else Status.IN_PROGRESS
    async with unit_of_work() as uow:
        after = await apply(ticket, {"assignee_id": user_id, "status": status, "claim_mode": None})
        await TicketCandidate.filter(ticket_id=ticket.id).delete()
        await add_participant(ticket.id, user_id)
        event = await record(
            uow, actor, EventKind.OWNER_CHANGED, ticket, after, comment=comment.strip()
        )
        await notify(
            uow,
            after,
            event,
            NotificationKind.ASSIGNED,
            [user_id],
            f"Now yours: {label(after)}",
            skip=actor.user_id,
        )
    return after


async def add_team_member(
    actor: Actor,
    ticket_id: int,
    user_id: int,
    access: TeamAccess = TeamAccess.READ,
) -> Ticket:
    opened = await open_ticket(actor, ticket_id, Action.ADD_TEAM_MEMBER)
    ticket = opened.ticket
    if not await User.filter(tenant_id=actor.tenant_id, id=user_id, active=True).exists():
        raise not_found("User", ["userId"])
    existing = await TicketTeamMember.filter(ticket_id=ticket.id, user_id=user_id).first()
    if existing is not None and existing.access == access:
        raise FlowError(ErrorCode.CONFLICT, "Already on the team with this access", ["userId"])
    async with unit_of_work() as uow:
        after = await apply(ticket, {})
        if existing is None:
            await TicketTeamMember.create(ticket_id=ticket.id, user_id=user_id, access=access)
        else:
            await TicketTeamMember.filter(id=existing.id).update(access=access)
        await record(
            uow,
            actor,
            EventKind.TEAM_MEMBER_ADDED,
            ticket,
            after,
            data={"user": user_id, "access": str(access)},
        )
    return after


async def remove_team_member(actor: Actor, ticket_id: int, user_id: int) -> Ticket:
    opened = await open_ticket(actor, ticket_id, Action.REMOVE_TEAM_MEMBER)
    ticket = opened.ticket
    if not await TicketTeamMember.filter(ticket_id=ticket.id, user_id=user_id).exists():
        raise not_found("Team member", ["userId"])
    async with unit_of_work() as uow:
        after = await apply(ticket, {})
        await TicketTeamMember.filter(ticket_id=ticket.id, user_id=user_id).delete()
        await record(
            uow, actor, EventKind.TEAM_MEMBER_REMOVED, ticket, after, data={"user": user_id}
        )
    return after


async def follow_ticket(actor: Actor, ticket_id: int) -> Ticket:
    opened = await open_ticket(actor, ticket_id, Action.FOLLOW)
    async with unit_of_work() as uow:
        after = await apply(opened.ticket, {})
        await TicketFollower.create(ticket_id=after.id, user_id=actor.user_id)
        await record(uow, actor, EventKind.FOLLOWED, opened.ticket, after)
    return after


async def unfollow_ticket(actor: Actor, ticket_id: int) -> Ticket:
    opened = await open_ticket(actor, ticket_id, Action.UNFOLLOW)
    async with unit_of_work() as uow:
        after = await apply(opened.ticket, {})
        await TicketFollower.filter(ticket_id=after.id, user_id=actor.user_id).delete()
        await record(uow, actor, EventKind.UNFOLLOWED, opened.ticket, after)
    return after
