"""Who sees a ticket (DESIGN §5): one query expression, reused by every path.

Lists, `node`, search, subscriptions, exports and downloads all filter through
`visible_tickets`; nothing else decides visibility.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from workorder.auth.actor import Actor
from workorder.auth.hierarchy import descendant_departments, subordinates
from workorder.errors import not_found
from workorder.models import (
    Department,
    Group,
    Status,
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


async def reach_of(actor: Actor) -> Reach:
    people = {actor.user_id} | await subordinates(actor.tenant_id, actor.user_id)
    member_of = await Group.filter(tenant_id=actor.tenant_id, members__id=actor.user_id)
    supervisor_of = await Group.filter(tenant_id=actor.tenant_id, supervisors__id=actor.user_id)
    headed = await Department.filter(tenant_id=actor.tenant_id, head_id=actor.user_id)
    heads: set[int] = set()
    for department in headed:
        heads |= {department.id} | await descendant_departments(actor.tenant_id, department.id)
    return Reach(
        me=actor.user_id,
        people=frozenset(people),
        member_of=frozenset(g.id for g in member_of),
        supervisor_of=frozenset(g.id for g in supervisor_of),
        heads=frozenset(heads),
    )


def _tickets_of(model: type[TicketParticipant] | type[TicketTeamMember], users: Q) -> Subquery:
    return Subquery(model.filter(users).values("ticket_id"))


def visibility_filter(actor: Actor, reach: Reach) -> Q:
    """The rule as a Q over Ticket, for the caller's tenant."""
    live = Q(tenant_id=actor.tenant_id, deleted_at=None)
    if actor.is_admin:
        return live
    people = list(reach.people)
    seen = (
        Q(assignee_id__in=people)
        | Q(id__in=_tickets_of(TicketParticipant, Q(user_id__in=people)))
        | Q(id__in=_tickets_of(TicketTeamMember, Q(user_id__in=people)))
        | Q(id__in=Subquery(TicketFollower.filter(user_id=reach.me).values("ticket_id")))
        | Q(id__in=Subquery(TicketCandidate.filter(user_id=reach.me).values("ticket_id")))
        | Q(status=Status.PENDING, current_group_id__in=list(reach.member_of))
        | Q(current_group_id__in=list(reach.supervisor_of))
    )
    if reach.heads:
        heads = list(reach.heads)
        in_my_departments = Subquery(
            User.filter(tenant_id=actor.tenant_id, department_id__in=heads).values("id")
        )
        seen |= Q(assignee_id__in=in_my_departments) | Q(
            id__in=_tickets_of(TicketTeamMember, Q(user__department_id__in=heads))
        )
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
