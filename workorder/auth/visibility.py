"""Who sees a ticket: one query expression, reused by every path.

Lists, `node`, search, subscriptions, exports and downloads all filter through
`visible_tickets`; nothing else decides visibility.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from workorder.auth.actor import Actor
from workorder.auth.hierarchy import ancestor_departments, descendant_departments, subordinates
from workorder.errors import not_found
from workorder.models import (
    Department,
    Group,
    SharingRule,
    Status,
    TeamAccess,
    Ticket,
    TicketCandidate,
    TicketFollower,
    TicketParticipant,
    TicketTeamMember,
    User,
)


@dataclass(frozen=True, slots=True)
class Reach:
    """The caller's place in the org, looked up once per request."""

    me: int
    people: frozenset[int]  # me and my subordinates, at any depth
    member_of: frozenset[int]  # groups
    supervisor_of: frozenset[int]  # groups
    heads: frozenset[int]  # departments I head, with the departments below them
    shared: Shared = field(default_factory=lambda: Shared())  # what sharing rules give me

    @property
    def subordinates(self) -> frozenset[int]:
        return self.people - {self.me}


@dataclass(frozen=True, slots=True)
class Shared:
    """Tickets shared with me by sharing rules: those in the charge of these people or of
    anyone in these departments (the departments below a shared one included)."""

    people: frozenset[int] = frozenset()
    departments: frozenset[int] = frozenset()
    writable_people: frozenset[int] = frozenset()
    writable_departments: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.people or self.departments)


async def shared_with(actor: Actor, member_of: frozenset[int]) -> Shared:
    """The sharing rules that name me, my department (or one above it) or one of my groups."""
    me = Q(target_user_id=actor.user_id)
    if actor.department_id is not None:
        above = await ancestor_departments(actor.tenant_id, actor.department_id)
        me |= Q(target_department_id__in=above)
    if member_of:
        me |= Q(target_group_id__in=list(member_of))
    rules = await SharingRule.filter(me, tenant_id=actor.tenant_id)
    people: set[int] = set()
    writable_people: set[int] = set()
    departments: set[int] = set()
    writable_departments: set[int] = set()
    below: dict[int, set[int]] = {}
    for rule in rules:
        writable = rule.access == TeamAccess.READ_WRITE
        if rule.owner_user_id is not None:
            people.add(rule.owner_user_id)
            if writable:
                writable_people.add(rule.owner_user_id)
        elif rule.owner_department_id is not None:
            owner = rule.owner_department_id
            if owner not in below:
                below[owner] = {owner} | await descendant_departments(actor.tenant_id, owner)
            departments |= below[owner]
            if writable:
                writable_departments |= below[owner]
    return Shared(
        people=frozenset(people),
        departments=frozenset(departments),
        writable_people=frozenset(writable_people),
        writable_departments=frozenset(writable_departments),
    )


async def reach_of(actor: Actor) -> Reach:
    people = {actor.user_id} | await subordinates(actor.tenant_id, actor.user_id)
    member_of = await Group.filter(tenant_id=actor.tenant_id, members__id=actor.user_id)
    supervisor_of = await Group.filter(tenant_id=actor.tenant_id, supervisors__id=actor.user_id)
    headed = await Department.filter(tenant_id=actor.tenant_id, head_id=actor.user_id)
    heads: set[int] = set()
    for department in headed:
        heads |= {department.id} | await descendant_departments(actor.tenant_id, department.id)
    groups = frozenset(g.id for g in member_of)
    return Reach(
        me=actor.user_id,
        people=frozenset(people),
        member_of=groups,
        supervisor_of=frozenset(g.id for g in supervisor_of),
        heads=frozenset(heads),
        shared=await shared_with(actor, groups),
    )


def _tickets_of(model: type[TicketParticipant] | type[TicketTeamMember], users: Q) -> Subquery:
    return Subquery(model.filter(users).values("ticket_id"))


def _in_departments(tenant_id: int, departments: frozenset[int]) -> Subquery:
    return Subquery(
        User.filter(tenant_id=tenant_id, department_id__in=list(departments)).values("id")
    )


def involving(people: frozenset[int] | set[int]) -> Q:
    """Tickets these people handled at some step or are team members of."""
    ids = list(people)
    return Q(id__in=_tickets_of(TicketParticipant, Q(user_id__in=ids))) | Q(
        id__in=_tickets_of(TicketTeamMember, Q(user_id__in=ids))
    )


def in_departments_of(actor: Actor, heads: frozenset[int]) -> Q:
    """Tickets whose assignee or a team member has one of these as main department."""
    ids = list(heads)
    return Q(assignee_id__in=_in_departments(actor.tenant_id, heads)) | Q(
        id__in=_tickets_of(TicketTeamMember, Q(user__department_id__in=ids))
    )


def shared_filter(actor: Actor, shared: Shared, *, writable: bool = False) -> Q:
    """Tickets sharing rules give me: in the charge of a shared person or department."""
    people = shared.writable_people if writable else shared.people
    departments = shared.writable_departments if writable else shared.departments
    found = Q(assignee_id__in=list(people))
    if departments:
        found |= Q(assignee_id__in=_in_departments(actor.tenant_id, departments))
    return found


def visibility_filter(actor: Actor, reach: Reach) -> Q:
    """The rule as a Q over Ticket, for the caller's tenant."""
    live = Q(tenant_id=actor.tenant_id, deleted_at=None)
    if actor.is_admin:
        return live
    seen = (
        Q(assignee_id__in=list(reach.people))
        | involving(reach.people)
        | Q(id__in=Subquery(TicketFollower.filter(user_id=reach.me).values("ticket_id")))
        | Q(id__in=Subquery(TicketCandidate.filter(user_id=reach.me).values("ticket_id")))
        | Q(status=Status.PENDING, current_group_id__in=list(reach.member_of))
        | Q(current_group_id__in=list(reach.supervisor_of))
    )
    if reach.heads:
        seen |= in_departments_of(actor, reach.heads)
    if reach.shared:
        seen |= shared_filter(actor, reach.shared)
    return live & ~Q(status=Status.VOID) & seen


async def visible_tickets(actor: Actor, reach: Reach | None = None) -> QuerySet[Ticket]:
    reach = reach or await reach_of(actor)
    return Ticket.filter(visibility_filter(actor, reach))


async def visible_ticket(actor: Actor, ticket_id: int, reach: Reach | None = None) -> Ticket:
    """The ticket, or NOT_FOUND — never FORBIDDEN, so ids reveal nothing."""
    ticket = await (await visible_tickets(actor, reach)).filter(id=ticket_id).first()
    if ticket is None:
        raise not_found("Ticket", ["id"])
    return ticket
