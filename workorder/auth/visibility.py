"""Who sees a ticket: one query expression, reused by every path.

Lists, `node`, search, subscriptions, exports and downloads all filter through
`visible_tickets`; nothing else decides visibility.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Any, TypeVar

from pypika_tortoise.queries import Query, QueryBuilder, Table
from pypika_tortoise.terms import Case, Field, LiteralValue, Parameter, Parameterizer
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from workorder.auth.actor import Actor
from workorder.auth.hierarchy import ancestor_departments, descendant_departments, subordinates
from workorder.errors import not_found
from workorder.models import (
    Department,
    Group,
    Interaction,
    SharingRule,
    Status,
    TeamAccess,
    Tenant,
    Ticket,
    TicketCandidate,
    TicketEvent,
    TicketFollower,
    TicketParticipant,
    TicketTeamMember,
    User,
)

# A row that belongs to one ticket and carries its tenant (an event, an interaction).
TicketPart = TypeVar("TicketPart", TicketEvent, Interaction)


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


async def _shared(actor: Actor, rules: list[tuple[int | None, int | None, bool]]) -> Shared:
    """What the sharing rules naming me give: `rules` are (owner user, owner department,
    read-write) of each, as `_places` found them."""
    people: set[int] = set()
    writable_people: set[int] = set()
    departments: set[int] = set()
    writable_departments: set[int] = set()
    below: dict[int, set[int]] = {}
    for owner_user, owner_department, writable in rules:
        if owner_user is not None:
            people.add(owner_user)
            if writable:
                writable_people.add(owner_user)
        elif owner_department is not None:
            owner = owner_department
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
    visibility at every message) asks here. Usually one statement: the caller's places
    (groups, headed departments, two levels of reports, the sharing rules naming them); a
    department of their own adds one per level above it, deeper reporting lines and
    department trees one per level below."""
    above: list[int] = []
    if actor.department_id is not None:
        above = await ancestor_departments(actor.tenant_id, actor.department_id)
    places = await _places(actor, above)
    people = {actor.user_id}
    if places.superiors_see_subordinates:
        # The reporting-line branch (seed 003 "superior sees subordinates' data"): a tenant
        # setting. Off, `people` is the caller alone, so every rule reading it (visibility,
        # `audience.sees`, the subordinate views, reports, a superior's standing) drops it.
        second = places.reports_below - {actor.user_id}
        people |= places.found[_REPORT] | second
        if second:
            people |= await subordinates(actor.tenant_id, actor.user_id, direct=second)
    heads = set(places.found[_HEAD])
    if heads:
        heads |= await descendant_departments(actor.tenant_id, *heads)
    return Reach(
        me=actor.user_id,
        people=frozenset(people),
        member_of=frozenset(places.found[_MEMBER]),
        supervisor_of=frozenset(places.found[_SUPERVISOR]),
        heads=frozenset(heads),
        shared=await _shared(actor, places.rules),
    )


(
    _MEMBER,
    _SUPERVISOR,
    _HEAD,
    _REPORT,
    _REPORT_BELOW,
    _RULE_USER,
    _RULE_DEPARTMENT,
    _SEES_BELOW,
) = range(1, 9)


@dataclass(frozen=True, slots=True)
class _Places:
    found: dict[int, set[int]]  # by kind: _MEMBER, _SUPERVISOR, _HEAD, _REPORT
    reports_below: set[int]  # the people reporting to my direct reports
    rules: list[tuple[int | None, int | None, bool]]  # sharing rules: owner user, department, rw
    superiors_see_subordinates: bool  # the tenant's setting


async def _places(actor: Actor, above: list[int]) -> _Places:
    """The groups the caller is a member and a supervisor of, the departments they head, the
    people reporting to them (two levels), the sharing rules naming them, their groups or
    a department in `above` (theirs and those above it), and whether their tenant lets
    superiors see their subordinates' tickets, as one statement."""
    db = User._meta.db
    key = (db.query_class, len(above))
    if key not in _PLACES_SQL:
        _PLACES_SQL[key] = _places_sql(*key)
    sql, slots = _PLACES_SQL[key]
    given = {_TENANT: actor.tenant_id, _ME: actor.user_id}
    given |= {_ABOVE - n: department for n, department in enumerate(above)}
    values = [given.get(slot, slot) for slot in slots]
    found: dict[int, set[int]] = {_MEMBER: set(), _SUPERVISOR: set(), _HEAD: set(), _REPORT: set()}
    reports_below: set[int] = set()
    shared: list[tuple[int | None, int | None, bool]] = []
    sees_below = False
    for row in await db.execute_query_dict(sql, values):
        kind, pk, rw = int(row["kind"]), int(row["id"]), bool(row["rw"])
        if kind == _SEES_BELOW:
            sees_below = True
        elif kind == _REPORT_BELOW:
            reports_below.add(pk)
        elif kind == _RULE_USER:
            shared.append((pk, None, rw))
        elif kind == _RULE_DEPARTMENT:
            shared.append((None, pk, rw))
        else:
            found[kind].add(pk)
    return _Places(found, reports_below, shared, sees_below)


# Stand-ins for the caller's values in the cached statement: ids are positive, so these
# negative numbers are told apart from every constant the statement sends.
_TENANT, _ME, _ABOVE = -1, -2, -3
# By dialect and number of departments above the caller.
_PLACES_SQL: dict[tuple[type[Query], int], tuple[str, list[Any]]] = {}


def _places_sql(query: type[Query], above: int) -> tuple[str, list[Any]]:
    """`_places`'s statement for this dialect and number of departments above the caller,
    and its parameters with stand-ins for the caller's values: a UNION ALL (Tortoise's filters
    cannot union) that is built once, since building it costs more CPU than running it."""
    tenant, me = _TENANT, _ME
    above_ids = [_ABOVE - n for n in range(above)]
    groups = Table(Group._meta.db_table)
    departments = Table(Department._meta.db_table)
    users = Table(User._meta.db_table)
    rules = Table(SharingRule._meta.db_table)
    no = LiteralValue(0).as_("rw")

    def linked(kind: int, through: str) -> QueryBuilder:
        link = Table(through)
        return (
            query.from_(link)
            .join(groups)
            .on(groups.id == link.agent_group_id)
            .select(LiteralValue(kind).as_("kind"), link.agent_group_id.as_("id"), no)
            .where((groups.tenant_id == tenant) & (link.user_id == me))
        )

    headed = (
        query.from_(departments)
        .select(LiteralValue(_HEAD).as_("kind"), departments.id.as_("id"), no)
        .where((departments.tenant_id == tenant) & (departments.head_id == me))
    )
    reports = (
        query.from_(users)
        .select(LiteralValue(_REPORT).as_("kind"), users.id.as_("id"), no)
        .where((users.tenant_id == tenant) & (users.superior_id == me))
    )
    direct = (
        query.from_(users)
        .select(users.id)
        .where((users.tenant_id == tenant) & (users.superior_id == me))
    )
    below = (
        query.from_(users)
        .select(LiteralValue(_REPORT_BELOW).as_("kind"), users.id.as_("id"), no)
        .where((users.tenant_id == tenant) & users.superior_id.isin(direct))
    )
    tenants = Table(Tenant._meta.db_table)
    sees_below = (
        query.from_(tenants)
        .select(LiteralValue(_SEES_BELOW).as_("kind"), tenants.id.as_("id"), no)
        .where((tenants.id == tenant) & (tenants.superiors_see_subordinates == LiteralValue(True)))
    )
    membership = Table("group_member")
    my_groups = (
        query.from_(membership).select(membership.agent_group_id).where(membership.user_id == me)
    )
    naming_me = (rules.target_user_id == me) | rules.target_group_id.isin(my_groups)
    if above_ids:
        naming_me |= rules.target_department_id.isin(above_ids)
    writable = (
        Case()
        .when(rules.access == str(TeamAccess.READ_WRITE), LiteralValue(1))
        .else_(LiteralValue(0))
        .as_("rw")
    )

    def ruled(kind: int, owner: Field) -> QueryBuilder:
        return (
            query.from_(rules)
            .select(LiteralValue(kind).as_("kind"), owner.as_("id"), writable)
            .where((rules.tenant_id == tenant) & owner.notnull() & naming_me)
        )

    first = linked(_MEMBER, "group_member")
    first.wrap_set_operation_queries = False  # SQLite refuses "(SELECT …) UNION ALL (…)"
    union = (
        first
        * linked(_SUPERVISOR, "group_supervisor")
        * headed
        * reports
        * below
        * ruled(_RULE_USER, rules.owner_user_id)
        * ruled(_RULE_DEPARTMENT, rules.owner_department_id)
        * sees_below
    )
    # Placeholders in the connection's own style ("?" or "$1"), numbered across the union.
    dialect = query.SQL_CONTEXT
    placeholder = Parameterizer(lambda i: Parameter(idx=i).get_sql(dialect))
    context = dialect.copy(parameterizer=placeholder)
    sql = union.get_sql(context)
    assert context.parameterizer is not None
    return sql, list(context.parameterizer.values)


def _tickets_of(model: type[TicketParticipant] | type[TicketTeamMember], users: Q) -> Subquery:
    return Subquery(model.filter(users).values("ticket_id"))


def _in_departments(tenant_id: int, departments: frozenset[int]) -> Subquery:
    return Subquery(
        User.filter(tenant_id=tenant_id, department_id__in=list(departments)).values("id")
    )


def _any(branches: list[Q]) -> Q:
    return reduce(operator.or_, branches)


def _involving_branches(people: frozenset[int] | set[int]) -> list[Q]:
    ids = list(people)
    return [
        Q(id__in=_tickets_of(TicketParticipant, Q(user_id__in=ids))),
        Q(id__in=_tickets_of(TicketTeamMember, Q(user_id__in=ids))),
    ]


def involving(people: frozenset[int] | set[int]) -> Q:
    """Tickets these people handled at some step or are team members of."""
    return _any(_involving_branches(people))


def _department_branches(actor: Actor, heads: frozenset[int]) -> list[Q]:
    ids = list(heads)
    return [
        Q(assignee_id__in=_in_departments(actor.tenant_id, heads)),
        Q(id__in=_tickets_of(TicketTeamMember, Q(user__department_id__in=ids))),
    ]


def in_departments_of(actor: Actor, heads: frozenset[int]) -> Q:
    """Tickets whose assignee or a team member has one of these as main department."""
    return _any(_department_branches(actor, heads))


def _shared_branches(actor: Actor, shared: Shared, *, writable: bool = False) -> list[Q]:
    people = shared.writable_people if writable else shared.people
    departments = shared.writable_departments if writable else shared.departments
    found = [Q(assignee_id__in=list(people))]
    if departments:
        found.append(Q(assignee_id__in=_in_departments(actor.tenant_id, departments)))
    return found


def shared_filter(actor: Actor, shared: Shared, *, writable: bool = False) -> Q:
    """Tickets sharing rules give me: in the charge of a shared person or department."""
    return _any(_shared_branches(actor, shared, writable=writable))


@dataclass(frozen=True, slots=True)
class Visibility:
    """The rule for one caller, split: a visible ticket matches `always` and, unless
    `branches` is empty (an administrator), at least one of `branches`.

    Each branch is a condition one index can serve (an assignee, a subquery on one link
    table, a group). ORed together the database has to walk the sort index and test every
    row against all of them; a list can instead take each branch's first rows on its own
    and merge them (`flows/views/lists.py`)."""

    always: Q
    branches: tuple[Q, ...]

    def q(self) -> Q:
        return self.always & _any(list(self.branches)) if self.branches else self.always


def visibility(actor: Actor, reach: Reach) -> Visibility:
    """The one rule: who sees which ticket of the caller's tenant."""
    live = Q(tenant_id=actor.tenant_id, deleted_at=None)
    if actor.is_admin:
        return Visibility(live, ())
    branches = [
        Q(assignee_id__in=list(reach.people)),
        *_involving_branches(reach.people),
        Q(id__in=Subquery(TicketFollower.filter(user_id=reach.me).values("ticket_id"))),
        Q(id__in=Subquery(TicketCandidate.filter(user_id=reach.me).values("ticket_id"))),
    ]
    if reach.member_of:
        branches.append(Q(status=Status.PENDING, current_group_id__in=list(reach.member_of)))
    if reach.supervisor_of:
        branches.append(Q(current_group_id__in=list(reach.supervisor_of)))
    if reach.heads:
        branches += _department_branches(actor, reach.heads)
    if reach.shared:
        branches += _shared_branches(actor, reach.shared)
    return Visibility(live & ~Q(status=Status.VOID), tuple(branches))


def visibility_filter(actor: Actor, reach: Reach) -> Q:
    """The rule as a Q over Ticket, for the caller's tenant: `visibility(...)`, its
    branches ORed."""
    return visibility(actor, reach).q()


async def visible_tickets(actor: Actor, reach: Reach | None = None) -> QuerySet[Ticket]:
    reach = reach or await reach_of(actor)
    return Ticket.filter(visibility_filter(actor, reach))


async def visible_ticket(actor: Actor, ticket_id: int, reach: Reach | None = None) -> Ticket:
    """The ticket, or NOT_FOUND — never FORBIDDEN, so ids reveal nothing."""
    ticket = await (await visible_tickets(actor, reach)).filter(id=ticket_id).first()
    if ticket is None:
        raise not_found("Ticket", ["id"])
    return ticket


async def visible_part_of_ticket(
    actor: Actor, reach: Reach, model: type[TicketPart], pk: int
) -> TicketPart | None:
    """A row that belongs to one ticket (a trace event, an interaction): seen exactly when
    its ticket is; None otherwise, or in another tenant."""
    row = await model.filter(tenant_id=actor.tenant_id, id=pk).first()
    if row is None:
        return None
    seen = await (await visible_tickets(actor, reach)).filter(id=row.ticket_id).exists()
    return row if seen else None
