"""Who may do what to a ticket: one function per question, read by every action and by
`availableActions`. The caller is already known to see the ticket."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from workorder.auth.actor import Actor
from workorder.auth.ownership import OwnerStanding, may_change_owner
from workorder.auth.permissions import Permission
from workorder.auth.visibility import Reach, Shared, reach_of
from workorder.flows.templates.config import EditLimit
from workorder.flows.tickets.state_machine import Action, allowed_in
from workorder.models import (
    ClaimMode,
    Status,
    TeamAccess,
    Ticket,
    TicketCandidate,
    TicketFollower,
    TicketTeamMember,
    User,
)


@dataclass(frozen=True, slots=True)
class Standing:
    """How the caller stands to one ticket."""

    admin: bool
    assignee: bool
    creator: bool
    candidate: bool
    supervisor: bool  # of the ticket's current group
    superior: bool  # the ticket's assignee reports to the caller (any depth)
    team: TeamAccess | None
    shared_write: bool  # a READ_WRITE sharing rule covers the ticket's assignee
    follower: bool
    edit_limit: EditLimit
    may_transfer: bool
    may_reopen: bool
    locked: bool = False  # the ticket's lock (seed 003 "Unlocked"/"Normal")

    @property
    def in_charge(self) -> bool:
        """The owner and the group's supervisors (and admins) change content and status."""
        return self.admin or self.assignee or self.supervisor

    @property
    def may_change_owner(self) -> bool:
        return may_change_owner(
            OwnerStanding(
                admin=self.admin,
                in_charge=self.assignee,
                superior=self.superior,
                supervisor=self.supervisor,
                team_write=self.team == TeamAccess.READ_WRITE,
                shared_write=self.shared_write,
            )
        )

    @property
    def may_edit_content(self) -> bool:
        """EVERYONE: whoever sees it may change content and add notes, not status.
        OWNER: read-only for all but those in charge (and team members given write access)."""
        if self.in_charge or self.team == TeamAccess.READ_WRITE or self.shared_write:
            return True
        return self.edit_limit == EditLimit.EVERYONE


@dataclass(frozen=True, slots=True)
class Links:
    """The caller's own rows on one ticket: read with the ticket, in the same statement."""

    team: TeamAccess | None = None
    follower: bool = False
    named_candidate: bool = False


def with_links(tickets: QuerySet[Ticket], actor: Actor, ticket_id: int) -> QuerySet[Ticket]:
    """The tickets with the caller's links to `ticket_id` as annotations (see `links_in`)."""
    mine = {"ticket_id": ticket_id, "user_id": actor.user_id}
    return tickets.annotate(
        my_team_access=Subquery(TicketTeamMember.filter(**mine).values("access")),
        my_follower_id=Subquery(TicketFollower.filter(**mine).values("id")),
        my_candidate_id=Subquery(TicketCandidate.filter(**mine).values("id")),
    )


def links_in(ticket: Ticket) -> Links:
    """The links `with_links` annotated the ticket with."""
    access = getattr(ticket, "my_team_access", None)
    return Links(
        team=TeamAccess(access) if access is not None else None,
        follower=getattr(ticket, "my_follower_id", None) is not None,
        named_candidate=getattr(ticket, "my_candidate_id", None) is not None,
    )


async def links_of(actor: Actor, ticket: Ticket) -> Links:
    found = await with_links(Ticket.filter(id=ticket.id), actor, ticket.id).first()
    return links_in(found) if found is not None else Links()


async def standing_of(
    actor: Actor, ticket: Ticket, edit_limit: EditLimit, links: Links | None = None
) -> Standing:
    """Read from the caller's reach (kept for the request) and their links to the ticket;
    pass the links when the ticket was read `with_links`, so they are not read again."""
    reach = await reach_of(actor)
    links = links if links is not None else await links_of(actor, ticket)
    return Standing(
        admin=actor.is_admin,
        assignee=ticket.assignee_id == actor.user_id,
        creator=ticket.creator_id == actor.user_id,
        candidate=is_candidate(reach, ticket, links),
        supervisor=ticket.current_group_id in reach.supervisor_of,
        superior=ticket.assignee_id is not None and ticket.assignee_id in reach.subordinates,
        team=links.team,
        shared_write=await _shared_for_writing(actor, ticket, reach.shared),
        follower=links.follower,
        edit_limit=edit_limit,
        may_transfer=actor.has_permission(Permission.TICKET_TRANSFER),
        may_reopen=actor.has_permission(Permission.TICKET_REOPEN),
        locked=ticket.locked,
    )


async def _shared_for_writing(actor: Actor, ticket: Ticket, shared: Shared) -> bool:
    if ticket.assignee_id is None or actor.is_admin:
        return False
    if ticket.assignee_id in shared.writable_people:
        return True
    if not shared.writable_departments:
        return False
    return await User.filter(
        id=ticket.assignee_id, department_id__in=list(shared.writable_departments)
    ).exists()


def is_candidate(reach: Reach, ticket: Ticket, links: Links) -> bool:
    """May the caller claim the ticket now? A pool is open to the members of its group (the
    caller is an active user: an actor is only ever built for one)."""
    if ticket.status != Status.PENDING or ticket.assignee_id is not None:
        return False
    if ticket.claim_mode == ClaimMode.CANDIDATES:
        return links.named_candidate
    if ticket.claim_mode == ClaimMode.POOL and ticket.current_group_id is not None:
        return ticket.current_group_id in reach.member_of
    return False


def may(action: Action, who: Standing) -> bool:
    """The permission half of an action (the status half is the state machine's).

    A locked ticket refuses every action but its unlocking, here, so no action (nor
    `availableActions`) can slip by the lock; its person in charge or an admin locks and
    unlocks it."""
    owner = who.assignee or who.admin
    if who.locked:
        return action == Action.UNLOCK and owner
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
        Action.CHANGE_OWNER: who.may_change_owner,
        Action.ADD_TEAM_MEMBER: who.in_charge,
        Action.REMOVE_TEAM_MEMBER: who.in_charge,
        Action.FOLLOW: not who.follower,
        Action.UNFOLLOW: who.follower,
        Action.LOG_INTERACTION: who.may_edit_content,
        Action.LOCK: owner,
        Action.UNLOCK: False,  # not locked
    }
    return rules[action]


def may_edit_fields_at_once(actor: Actor, ticket: Ticket, edit_limit: EditLimit) -> bool | None:
    """Whether the caller may change the ticket's field values now (a save), when that is
    known without reading their links and reach: a list page answers most tickets this way.
    None: ask `may_edit_fields`."""
    if not actor.can_write or not allowed_in(Action.SAVE, ticket.status) or ticket.locked:
        return False
    if actor.is_admin or ticket.assignee_id == actor.user_id or edit_limit == EditLimit.EVERYONE:
        return True
    return None


async def may_edit_fields(actor: Actor, ticket: Ticket, edit_limit: EditLimit) -> bool:
    """The save action's own rule: its status half and its permission half."""
    known = may_edit_fields_at_once(actor, ticket, edit_limit)
    if known is not None:
        return known
    return may(Action.SAVE, await standing_of(actor, ticket, edit_limit))
