"""Ticket lists: the preset views of the seeds, sorted and paged by keyset.

Every list is one SQL query: the visibility rule of `auth/` AND the view AND the filter AND the
search. Pages continue from a cursor holding the last row's sort value and id, never from an
OFFSET, and the cursor remembers which query it belongs to.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from pypika_tortoise.context import SqlContext
from pypika_tortoise.terms import Term
from tortoise.expressions import Case, Q, Subquery, When
from tortoise.functions import Count
from tortoise.queryset import QuerySet, ValuesQuery

from workorder.auth.actor import Actor
from workorder.auth.visibility import (
    Reach,
    Shared,
    Visibility,
    in_departments_of,
    involving,
    shared_filter,
    visibility,
    visibility_filter,
)
from workorder.errors import invalid
from workorder.flows.views.filters import TemplateFields, TicketFilter, filter_q, search_q
from workorder.ids import MAX_PK
from workorder.models import (
    PRIORITY_ORDER,
    ClaimMode,
    Priority,
    Status,
    Ticket,
    TicketCandidate,
)
from workorder.paging import Answer, page_size
from workorder.sql.shapes import Shape, Shapes, dialect_of


class View(StrEnum):
    ALL = "ALL"
    MINE = "MINE"
    MY_PARTICIPATION = "MY_PARTICIPATION"
    MY_DEPARTMENT = "MY_DEPARTMENT"
    MY_SUBORDINATES = "MY_SUBORDINATES"
    MY_SUBORDINATES_PARTICIPATED = "MY_SUBORDINATES_PARTICIPATED"
    SHARED_TO_ME = "SHARED_TO_ME"
    UNRESOLVED = "UNRESOLVED"
    URGENT = "URGENT"
    DONE = "DONE"
    MY_GROUP_QUEUE = "MY_GROUP_QUEUE"


NOTHING = Q(id__in=[])
_NO_FILTER = TicketFilter()


def view_q(view: View, actor: Actor, reach: Reach) -> Q:
    """The preset views; each is further cut by the visibility rule."""
    mine = Q(assignee_id=reach.me)
    if view == View.ALL:
        return Q()
    if view == View.MINE:
        return mine
    if view == View.MY_PARTICIPATION:
        return involving({reach.me})
    if view == View.MY_DEPARTMENT:
        return in_departments_of(actor, reach.heads) if reach.heads else NOTHING
    if view == View.MY_SUBORDINATES:
        return Q(assignee_id__in=list(reach.subordinates)) if reach.subordinates else NOTHING
    if view == View.MY_SUBORDINATES_PARTICIPATED:
        return involving(reach.subordinates) if reach.subordinates else NOTHING
    if view == View.SHARED_TO_ME:
        return shared_filter(actor, reach.shared) if reach.shared else NOTHING
    if view == View.UNRESOLVED:
        return mine & ~Q(status__in=[Status.DONE, Status.VOID])
    if view == View.URGENT:
        return mine & Q(priority=Priority.URGENT)
    if view == View.DONE:
        return mine & Q(status=Status.DONE)
    return _claimable_by(reach)


# Views that name no one but the caller (or no one): their Q reads only `reach.me`.
_OWN_VIEWS = frozenset({View.ALL, View.MINE, View.UNRESOLVED, View.URGENT, View.DONE})


def reach_free(actor: Actor, view: View) -> Reach | None:
    """The reach an administrator's list of one of `_OWN_VIEWS` needs, without looking it up.

    An administrator sees every ticket of the tenant (the visibility rule reads nothing of
    the reach for them) and these views read only who the caller is, so the groups,
    reporting line, departments and sharing rules (five statements) cannot change the list.
    None: the list needs the real reach (`reach_of`)."""
    if not actor.is_admin or view not in _OWN_VIEWS:
        return None
    me = actor.user_id
    return Reach(
        me=me,
        people=frozenset({me}),
        member_of=frozenset(),
        supervisor_of=frozenset(),
        heads=frozenset(),
    )


def _claimable_by(reach: Reach) -> Q:
    """Waiting for me to claim: my groups' pools, or tickets naming me as a candidate."""
    named = Subquery(TicketCandidate.filter(user_id=reach.me).values("ticket_id"))
    return Q(status=Status.PENDING, assignee_id=None) & (
        Q(claim_mode=ClaimMode.POOL, current_group_id__in=list(reach.member_of))
        | Q(claim_mode=ClaimMode.CANDIDATES, id__in=named)
    )


class SortField(StrEnum):
    NUMBER = "NUMBER"
    TITLE = "TITLE"
    STATUS = "STATUS"
    PRIORITY = "PRIORITY"
    SOURCE = "SOURCE"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    DONE_AT = "DONE_AT"
    DUE_AT = "DUE_AT"
    URGE_COUNT = "URGE_COUNT"


_COLUMNS = {
    SortField.NUMBER: "number",
    SortField.TITLE: "title",
    SortField.SOURCE: "source",
    SortField.CREATED_AT: "created_at",
    SortField.UPDATED_AT: "updated_at",
    SortField.DONE_AT: "done_at",
    SortField.DUE_AT: "due_at",
    SortField.URGE_COUNT: "urge_count",
}
_NULLABLE = {SortField.DONE_AT, SortField.DUE_AT}
_DATETIMES = {SortField.CREATED_AT, SortField.UPDATED_AT, SortField.DONE_AT, SortField.DUE_AT}
# Enums sort by meaning, not by spelling.
_RANKS: dict[SortField, tuple[str, list[str]]] = {
    SortField.PRIORITY: ("priority", [str(p) for p in PRIORITY_ORDER]),
    SortField.STATUS: ("status", [str(s) for s in Status]),
}
SORT_KEY = "sort_key"
SORT_NULL = "sort_null"


@dataclass(frozen=True)
class Order:
    field: SortField = SortField.UPDATED_AT
    descending: bool = True


@dataclass(frozen=True)
class ListSpec:
    """One list query: which view, narrowed how, sorted how."""

    view: View = View.ALL
    filter: TicketFilter = field(default_factory=TicketFilter)
    search: str | None = None
    order: Order = field(default_factory=Order)

    def fingerprint(self) -> str:
        """Identifies the query a cursor was made for."""
        text = json.dumps(
            [
                self.view,
                self.filter.to_json(),
                self.search,
                self.order.field,
                self.order.descending,
            ],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(text.encode()).hexdigest()[:12]


async def matching(actor: Actor, reach: Reach, spec: ListSpec) -> Q:
    """Visibility AND view AND filter AND search, as one Q."""
    return visibility_filter(actor, reach) & await narrowing(actor, reach, spec)


async def narrowing(
    actor: Actor,
    reach: Reach,
    spec: ListSpec,
    known: dict[tuple[int, ...], TemplateFields] | None = None,
) -> Q:
    """View AND filter AND search, without the visibility rule."""
    return (
        view_q(spec.view, actor, reach)
        & await filter_q(actor, spec.filter, known)
        & search_q(actor, spec.search)
    )


def _sorted(query: QuerySet[Ticket], order: Order) -> QuerySet[Ticket]:
    """Adds the sort key (and a nulls-last flag) as annotations, so both databases order and
    compare alike."""
    if order.field in _RANKS:
        column, ranked = _RANKS[order.field]
        key = Case(
            # Ranks are single-digit text: PostgreSQL types CASE parameters as text.
            *[When(Q(**{column: value}), then=str(n)) for n, value in enumerate(ranked)],
            default=str(len(ranked)),
        )
        query = query.annotate(**{SORT_KEY: key})
    if order.field in _NULLABLE:
        column = _COLUMNS[order.field]
        null = Case(When(Q(**{f"{column}__isnull": True}), then="1"), default="0")  # type: ignore[arg-type]
        query = query.annotate(**{SORT_NULL: null})
    return query


def _key_name(order: Order) -> str:
    return SORT_KEY if order.field in _RANKS else _COLUMNS[order.field]


def _ordering(order: Order, backwards: bool = False) -> list[str]:
    """The list order, or (`backwards`, for a `last` page) exactly its reverse."""
    sign = "-" if order.descending != backwards else ""
    names = [f"{sign}{_key_name(order)}", f"{sign}id"]
    if order.field not in _NULLABLE:
        return names
    return [f"-{SORT_NULL}" if backwards else SORT_NULL, *names]


def _beyond(order: Order, value: Any, pk: int, backwards: bool = False) -> Q:
    """Rows after (value, pk) in this order (before it, `backwards`); nulls come last in
    either direction."""
    name = _key_name(order)
    past = "lt" if order.descending != backwards else "gt"
    if value is None:
        nulls = Q(**{f"{name}__isnull": True, f"id__{past}": pk})  # type: ignore[arg-type]
        return nulls | Q(**{f"{name}__isnull": False}) if backwards else nulls  # type: ignore[arg-type]
    found = Q(**{f"{name}__{past}": value}) | Q(**{name: value, f"id__{past}": pk})
    if order.field in _NULLABLE:
        return found if backwards else found | Q(**{f"{name}__isnull": True})  # type: ignore[arg-type]
    # The same rows, plus a plain bound an index range can start from: PostgreSQL cannot
    # bound a scan by the OR above, and would walk every row before the cursor.
    bound = "lte" if order.descending != backwards else "gte"
    return Q(**{f"{name}__{bound}": value}) & found


def _at(order: Order, value: Any, pk: int) -> Q:
    """The cursor's own row, if it still sits where the cursor says."""
    name = _key_name(order)
    if value is None:
        return Q(**{f"{name}__isnull": True, "id": pk})  # type: ignore[arg-type]
    return Q(**{name: value, "id": pk})


def encode_cursor(spec: ListSpec, value: Any, pk: int, fingerprint: str | None = None) -> str:
    """`fingerprint` is `spec.fingerprint()` when the caller has it: a page computes it once,
    not once per row (a sha256 of JSON each time)."""
    if isinstance(value, datetime):
        value = value.isoformat()
    made_for = spec.fingerprint() if fingerprint is None else fingerprint
    raw = json.dumps([made_for, value, pk])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(spec: ListSpec, cursor: str, argument: str = "after") -> tuple[Any, int]:
    try:
        made_for, value, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        # Numbers beyond a key's range are forged: the driver would fail the query with them.
        if not isinstance(pk, int) or not 0 < pk <= MAX_PK or not isinstance(made_for, str):
            raise ValueError(cursor)
        if isinstance(value, int) and abs(value) > MAX_PK:
            raise ValueError(cursor)
        if value is not None and spec.order.field in _DATETIMES:
            value = datetime.fromisoformat(value)
    except (binascii.Error, ValueError, TypeError, RecursionError) as exc:
        raise invalid("Malformed cursor", [argument]) from exc
    if made_for != spec.fingerprint():
        raise invalid("This cursor belongs to another query (view, filter or order)", [argument])
    return value, pk


@dataclass(frozen=True)
class Page:
    tickets: list[Ticket]
    cursors: list[str]
    has_next: Answer
    has_previous: Answer
    query: QuerySet[Ticket]  # for totalCount, only run when asked for


class _FirstOfEach(Term):
    """`SELECT id FROM (branch 1) UNION ALL SELECT id FROM (branch 2) …`: the ids each
    branch query selects, as one subquery of the page's statement (Tortoise's filters cannot
    union). Placeholders are numbered by the statement's own context, across branches."""

    def __init__(self, branches: list[ValuesQuery[Any]]) -> None:
        super().__init__()
        self.branches = branches

    def get_sql(self, ctx: SqlContext) -> str:
        inner = ctx.copy(subquery=True, with_alias=False)
        quote = ctx.quote_char or ""
        arms = []
        for n, branch in enumerate(self.branches):
            branch._choose_db_if_not_chosen()
            branch._make_query()
            sql = branch.query.get_sql(inner)  # values are placeholders: S608 below
            arms.append(f"SELECT {quote}id{quote} FROM {sql} {quote}b{n}{quote}")  # noqa: S608
        return "(" + " UNION ALL ".join(arms) + ")"


# Views that keep only the caller's own tickets: the assignee index finds them at once, and
# running every visibility branch besides only costs (measured at 1M: MINE 9.8 → 14.5 ms).
_ASSIGNED_TO_ME = frozenset({View.MINE, View.UNRESOLVED, View.URGENT, View.DONE})


async def ticket_page(
    actor: Actor,
    reach: Reach,
    spec: ListSpec,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page:
    """One statement whatever the page size.

    For a caller who is not an administrator, the visibility rule is an OR of branches
    (`auth.visibility.visibility`): ORed in one WHERE, PostgreSQL walks the sort index and
    tests every row against each branch, so a narrow list (a custom-field filter) reads rows
    in proportion to the table. Instead each branch takes its own first `size + 1` rows after
    the cursor, in list order, by whatever index suits it, and the page is the first
    `size + 1` of their union: the same rows, since the order is total (key, then id).

    A `last` page is the same walk in the reverse order (reversed back): `before` bounds it
    as `after` bounds a forward one. The extra row answers "more this way"; "more the other
    way" is a statement run only if the client asks for it (`Answer`)."""
    size, backwards = page_size(first, last)
    rule = visibility(actor, reach)
    narrow = await narrowing(actor, reach, spec)
    query = Ticket.filter(rule.q() & narrow)
    start = decode_cursor(spec, after, "after") if after else None
    end = decode_cursor(spec, before, "before") if before else None
    beyond = Q()
    if start is not None:
        beyond &= _beyond(spec.order, *start)
    if end is not None:
        beyond &= _beyond(spec.order, *end, backwards=True)
    plain = start is None and end is None and not backwards
    shaped = await _shaped_page(actor, reach, spec, size) if plain else None
    if shaped is not None:
        rows = shaped
    else:
        rows = list(await _page_query(rule, narrow & beyond, spec, size, backwards))
    name = _key_name(spec.order)
    kept = rows[:size]
    if backwards:
        kept.reverse()
    more = len(rows) > size

    def past(mark: tuple[Any, int] | None, *, backwards: bool) -> Answer:
        """Whether any row lies past a cursor (its own row included), asked when needed."""
        if mark is None:
            return False
        around = _beyond(spec.order, *mark, backwards=backwards) | _at(spec.order, *mark)
        return _sorted(Ticket.filter(rule.q() & narrow & around), spec.order).exists

    made_for = spec.fingerprint()
    return Page(
        tickets=kept,
        cursors=[encode_cursor(spec, getattr(r, name), r.id, made_for) for r in kept],
        has_next=past(end, backwards=False) if backwards else more,
        has_previous=more if backwards else past(start, backwards=True),
        query=query,
    )


def _page_query(
    rule: Visibility, narrow: Q, spec: ListSpec, size: int, backwards: bool = False
) -> QuerySet[Ticket]:
    """The page's statement: `size + 1` rows the rule lets through and `narrow` keeps, in
    the list's order or its reverse, each visibility branch on its own where that helps (see
    `ticket_page`)."""
    ordering = _ordering(spec.order, backwards)
    if len(rule.branches) > 1 and spec.view not in _ASSIGNED_TO_ME:
        firsts = [
            _sorted(Ticket.filter(rule.always & branch & narrow), spec.order)
            .order_by(*ordering)
            .limit(size + 1)
            .values("id")
            for branch in rule.branches
        ]
        page = _sorted(Ticket.filter(id__in=_FirstOfEach(firsts)), spec.order)
    else:
        page = _sorted(Ticket.filter(rule.q() & narrow), spec.order)
    return page.order_by(*ordering).limit(size + 1)


# The page statements of first pages of unfiltered lists, by what decides their SQL.
_PAGES: Shapes[Hashable, Ticket] = Shapes(256)


def _stand_ins(actor: Actor, reach: Reach) -> tuple[Actor, Reach, dict[int, int]]:
    """The actor and reach with each id replaced by a stand-in (the same id, the same
    stand-in: sets keep their overlaps, `subordinates` stays `people` less `me`), and the
    stand-ins' values. Callers whose reaches have the same shape get equal stand-ins."""
    real: dict[int, int] = {}

    def one(value: int) -> int:
        if value not in real:
            real[value] = -1 - len(real)
        return real[value]

    def each(values: frozenset[int]) -> frozenset[int]:
        return frozenset(one(v) for v in sorted(values))

    standing = replace(actor, tenant_id=one(actor.tenant_id), user_id=one(actor.user_id))
    shared = reach.shared
    stand_reach = Reach(
        me=one(reach.me),
        people=each(reach.people),
        member_of=each(reach.member_of),
        supervisor_of=each(reach.supervisor_of),
        heads=each(reach.heads),
        shared=Shared(
            people=each(shared.people),
            departments=each(shared.departments),
            writable_people=each(shared.writable_people),
            writable_departments=each(shared.writable_departments),
        ),
    )
    return standing, stand_reach, {standin: value for value, standin in real.items()}


async def _shaped_page(
    actor: Actor, reach: Reach, spec: ListSpec, size: int
) -> list[Ticket] | None:
    """The rows of a first page of a list without filter or search, from its statement
    built once per shape of the caller's reach (`sql.shapes`): building it per request was a
    tenth of an agent's list request. None: this list is built the ordinary way."""
    if spec.filter != _NO_FILTER or (spec.search and spec.search.strip()):
        return None
    standing, stand_reach, values = _stand_ins(actor, reach)
    key = (dialect_of(Ticket), actor.is_admin, spec.view, spec.order, size, stand_reach)
    found, shape = _PAGES.get(key)
    if not found:
        rule = visibility(standing, stand_reach)
        narrow = await narrowing(standing, stand_reach, spec)
        shape = Shape.of(_page_query(rule, narrow, spec, size), values)
        _PAGES.put(key, shape)
    return None if shape is None else await shape.run(values)


async def count_views(actor: Actor, reach: Reach, entries: list[ListSpec]) -> list[int]:
    """The badge of every menu entry, in one SQL statement: COUNT(CASE WHEN entry …) each."""
    if not entries:
        return []
    visible = visibility_filter(actor, reach)
    counts = {}
    known: dict[tuple[int, ...], TemplateFields] = {}
    for n, spec in enumerate(entries):
        counts[f"c{n}"] = Count("id", _filter=await narrowing(actor, reach, spec, known))
    row = await Ticket.filter(visible).annotate(**counts).first().values(*counts)
    assert row is not None
    return [int(row[f"c{n}"] or 0) for n in range(len(entries))]
