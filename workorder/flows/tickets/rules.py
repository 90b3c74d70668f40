"""Who may do what to a ticket: one function per question, read by every action and by
`availableActions`. The caller is already known to see the ticket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from workorder.auth.actor import Actor
from workorder.auth.visibility import shared_with
from workorder.flows.templates.config import EditLimit
from workorder.flows.tickets.state_machine import Action
from workorder.models import (
    ClaimMode,
    Group,
    Status,
    TeamAccess,
    Ticket,
    TicketCandidate,
    TicketFollower,
    TicketTeamMember,
    User,
)

TRANSFER = "ticket.transfer"
REOPEN = "ticket.reopen"


@dataclass(frozen=True, slots=True)
class Standing:
    """How the caller stands to one ticket."""

    admin: bool
    assignee: bool
    creator: bool
    candidate: bool
    supervisor: bool  # of the ticket's current group
    team: TeamAccess | None
    shared_write: bool  # a READ_WRITE sharing rule covers the ticket's assignee
    follower: bool
    edit_limit: EditLimit
    may_transfer: bool
    may_reopen: bool

    @property
    def in_charge(self) -> bool:
        """The owner and the group's supervisors (and admins) change content and status."""
        return self.admin or self.assignee or self.supervisor

    @property
    def may_edit_content(self) -> bool:
        """EVERYONE: whoever sees it may change content and add notes, not status.
        OWNER: read-only for all but those in charge (and team members given write access)."""
        if self.in_charge or self.team == TeamAccess.READ_WRITE or self.shared_write:
            return True
        return self.edit_limit == EditLimit.EVERYONE


async def standing_of(actor: Actor, ticket: Ticket, edit_limit: EditLimit) -> Standing:
    supervisor = False
    if ticket.current_group_id is not None:
        supervisor = await Group.filter(
            id=ticket.current_group_id, supervisors__id=actor.user_id
        ).exists()
    member = await TicketTeamMember.filter(ticket_id=ticket.id, user_id=actor.user_id).first()
    return Standing(
        admin=actor.is_admin,
        assignee=ticket.assignee_id == actor.user_id,
        creator=ticket.creator_id == actor.user_id,
        candidate=await is_candidate(actor.user_id, ticket),
        supervisor=supervisor,
        team=member.access if member else None,
        shared_write=await _shared_for_writing(actor, ticket),
        follower=await TicketFollower.filter(ticket_id=ticket.id, user_id=actor.user_id).exists(),
        edit_limit=edit_limit,
        may_transfer=actor.has_permission(TRANSFER),
        may_reopen=actor.has_permission(REOPEN),
    )


async def _shared_for_writing(actor: Actor, ticket: Ticket) -> bool:
    if ticket.assignee_id is None or actor.is_admin:
        return False
    shared = await shared_with(actor, frozenset(await groups_of(actor)))
    if ticket.assignee_id in shared.writable_people:
        return True
    if not shared.writable_departments:
        return False
    return await User.filter(
        id=ticket.assignee_id, department_id__in=list(shared.writable_departments)
    ).exists()


async def groups_of(actor: Actor) -> list[int]:
    return cast(
        list[int],
        await Group.filter(tenant_id=actor.tenant_id, members__id=actor.user_id).values_list(
            "id", flat=True
        ),
    )


async def is_candidate(user_id: int, ticket: Ticket) -> bool:
    """May this user claim the ticket now?"""
    if ticket.status != Status.PENDING or ticket.assignee_id is not None:
        return False
    if ticket.claim_mode == ClaimMode.CANDIDATES:
        return await TicketCandidate.filter(ticket_id=ticket.id, user_id=user_id).exists()
    if ticket.claim_mode == ClaimMode.POOL and ticket.current_group_id is not None:
        return await Group.filter(
            id=ticket.current_group_id, members__id=user_id, members__active=True
        ).exists()
    return False


def may(action: Action, who: Standing) -> bool:
    """The permission half of an action (the status half is the state machine's)."""
    rules = {
        Action.SUBMIT: who.creator or who.admin,
        Action.SAVE: who.may_edit_content,
        Action.CLAIM: who.candidate,
        Action.ASSIGN: who.supervisor or who.admin,
        Action.FORWARD: who.assignee,
        Action.RETURN: who.assignee,
        Action.TRANSFER: who.may_transfer,
        Action.URGE: True,
        Action.NOTE: who.may_edit_content,
        Action.CLOSE: who.in_charge,
        Action.REOPEN: who.supervisor or who.admin or who.may_reopen,
        Action.VOID: who.supervisor or who.admin,
        Action.DELETE: who.supervisor or who.admin,
        Action.CHANGE_OWNER: who.supervisor or who.admin,
        Action.ADD_TEAM_MEMBER: who.in_charge,
        Action.REMOVE_TEAM_MEMBER: who.in_charge,
        Action.FOLLOW: not who.follower,
        Action.UNFOLLOW: who.follower,
        Action.LOG_INTERACTION: who.may_edit_content,
    }
    return rules[action]
