"""Who sees a ticket: one query expression, reused by every path.

Lists, `node`, search, subscriptions, exports and downloads all filter through
`visible_tickets`; nothing else decides visibility.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pypika_tortoise.queries import QueryBuilder, Table
from pypika_tortoise.terms import LiteralValue, Parameter, Parameterizer
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
    """The caller's reach, looked up on first use and kept for the rest of the request (on
    the actor, which lives as long as the request or the job run that built it)."""
    if actor.memo.reach is None:
        actor.memo.reach = await look_up_reach(actor)
    return actor.memo.reach


async def look_up_reach(actor: Actor) -> Reach:
    """The reach as it stands now: what outlives a request (a subscription that checks
    visibility at every message) asks here. Usually two statements: the caller's places
    (direct reports, groups, headed departments) in one, the sharing rules in another;
    deeper reporting lines and department trees add one per level."""
    places = await _places(actor)
    people = {actor.user_id} | places[_REPORT]
    if places[_REPORT]:
        people |= await subordinates(actor.tenant_id, actor.user_id, direct=places[_REPORT])
    heads = set(places[_HEAD])
    if heads:
        heads |= await descendant_departments(actor.tenant_id, *heads)
    groups = frozenset(places[_MEMBER])
    return Reach(
        me=actor.user_id,
        people=frozenset(people),
        member_of=groups,
        supervisor_of=frozenset(places[_SUPERVISOR]),
        heads=frozenset(heads),
        shared=await shared_with(actor, groups),
    )


_MEMBER, _SUPERVISOR, _HEAD, _REPORT = 1, 2, 3, 4


async def _places(actor: Actor) -> dict[int, set[int]]:
    """The groups the caller is a member and a supervisor of, the departments they head and
    the people reporting to them directly, as one UNION ALL (Tortoise's filters cannot union:
    built with its query builder, values sent as parameters)."""
    db = User._meta.db
    query = db.query_class
    tenant, me = actor.tenant_id, actor.user_id
    groups = Table(Group._meta.db_table)
    departments = Table(Department._meta.db_table)
    users = Table(User._meta.db_table)

    def linked(kind: int, through: str) -> QueryBuilder:
        link = Table(through)
        return (
            query.from_(link)
            .join(groups)
            .on(groups.id == link.agent_group_id)
            .select(LiteralValue(kind).as_("kind"), link.agent_group_id.as_("id"))
            .where((groups.tenant_id == tenant) & (link.user_id == me))
        )

    headed = (
        query.from_(departments)
        .select(LiteralValue(_HEAD).as_("kind"), departments.id.as_("id"))
        .where((departments.tenant_id == tenant) & (departments.head_id == me))
    )
    reports = (
        query.from_(users)
        .select(LiteralValue(_REPORT).as_("kind"), users.id.as_("id"))
        .where((users.tenant_id == tenant) & (users.superior_id == me))
    )
    first = linked(_MEMBER, "group_member")
    first.wrap_set_operation_queries = False  # SQLite refuses "(SELECT …) UNION ALL (…)"
    union = first * linked(_SUPERVISOR, "group_supervisor") * headed * reports
    # Placeholders in the connection's own style ("?" or "$1"), numbered across the union.
    dialect = query.SQL_CONTEXT
    placeholder = Parameterizer(lambda i: Parameter(idx=i).get_sql(dialect))
    context = dialect.copy(parameterizer=placeholder)
    sql = union.get_sql(context)
    assert context.parameterizer is not None
    found: dict[int, set[int]] = {_MEMBER: set(), _SUPERVISOR: set(), _HEAD: set(), _REPORT: set()}
    for row in await db.execute_query_dict(sql, context.parameterizer.values):
        found[int(row["kind"])].add(int(row["id"]))
    return found


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
