"""The ticket report (工单报表): workload and service figures per agent, group,
template or period, computed by the database in three grouped queries.

What is counted, for a range [from, to) — `from` included, `to` excluded, both in UTC (a time
given without an offset is taken as UTC); `to` must come after `from` (else INVALID, on "to"):

- **The tickets of a row** are picked by the time basis: CREATED takes the tickets created in the
  range, DONE the tickets finished in it (status DONE and `done_at` in the range).
  - `created`: those of them created in the range (under CREATED: all of them), counted for
    their creator, not their assignee: an AGENT row's `created` is what the agent opened, and
    the agent filter picks it by creator (every other ticket figure follows the assignee);
  - `done`: those of them with status DONE and `done_at` in the range (under DONE: all of them);
  - `meanFirstResponseSeconds`: mean of `first_response_at - created_at` over those that have
    a first response;
  - `meanHandlingSeconds`: mean of `done_at - created_at` over those counted in `done`;
  - `meanSurveyScore`: mean of `survey_score` over those with a score;
  - SLA attainment (`slaTracked`, `slaMet`, `slaAttainment`): of those with a resolution
    target (`due_at`) whose outcome is known at `to` — finished before `to`, or due before
    it — the share finished (DONE, before `to`) at or before the target. A ticket still open
    and not due yet at `to` is not counted; a reopened one is not done (present state).
  Means are null when nothing was measured and are rounded to the millisecond / 0.001 point.
- **Actions** (`claimed`, `forwarded`, `returned`, `transferred`, `urged`) count the trace rows
  (TicketEvent) of those kinds whose own time is in the range, whatever the time basis: they
  measure the work done in the range, also on tickets created before it or still open.
- **`openAtEnd`** is a backlog: tickets created before the end of the row's window and not done
  by then (`done_at` null or at/after it). The window ends at `to` for AGENT, GROUP and
  TEMPLATE rows and for the totals; at the end of the period (or `to`, if sooner) for DAY, WEEK
  and MONTH rows. It ignores the time basis and `from`: older open tickets count too. It is read
  from the tickets' present state (a ticket reopened since counts as not done).
- **VOID and deleted tickets count nowhere**, neither their figures nor their actions.

Grouping:

- AGENT: a ticket's figures go to its assignee (its present one) but `created` to its
  creator, an action to its actor; the row without an agent holds unassigned tickets and
  actions without an actor.
- GROUP: the ticket's present `current_group` (actions too: the trace keeps no group); a row
  without a group holds tickets outside any group.
- TEMPLATE: the ticket's template.
- DAY / WEEK (ISO, from Monday) / MONTH: UTC calendar periods, by the time-basis moment for
  ticket figures and by the action's own time for actions. Every period touching the range has
  a row, even an empty one; a report spans at most 366 periods (366 days for DAY, 366 weeks,
  366 months; more is INVALID on "to"). AGENT, GROUP and TEMPLATE reports have no such limit.
  AGENT, GROUP and TEMPLATE reports list only keys with some figure (the empty key last).

The filter narrows the agent (the assignee for ticket figures, the actor for actions: `agentIds`
and `role`), the template and the present group. Who sees which figures is `auth.reports`.
Totals add the rows up (means weighted by what each row measured); their `openAtEnd` is the
backlog at `to`.

Dialects: bucketing and durations are small expressions resolved for the connection at query
time (`workorder.sql.periods`); everything else is plain Tortoise aggregates with CASE filters.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Count, Sum

from workorder.auth.actor import Actor
from workorder.auth.reports import ReportScope, report_scope
from workorder.auth.visibility import Reach
from workorder.errors import invalid
from workorder.flows.reports.spec import (
    Figures,
    GroupBy,
    Report,
    ReportFilter,
    ReportRow,
    ReportSpec,
    TimeBasis,
)
from workorder.models import EventKind, Role, Status, Ticket, TicketEvent, User
from workorder.sql.dialect import AsText, Dialected
from workorder.sql.periods import Period, PeriodStart, Seconds

MAX_PERIODS = 366
MAX_LISTED = 100


# Row figure → the event kind it counts.
ACTIONS: dict[str, EventKind] = {
    "claimed": EventKind.CLAIMED,
    "forwarded": EventKind.FORWARDED,
    "returned": EventKind.RETURNED,
    "transferred": EventKind.TRANSFERRED,
    "urged": EventKind.URGED,
}

# The key column of a non-period grouping: on the ticket, and on the event.
TICKET_KEYS = {
    GroupBy.AGENT: "assignee_id",
    GroupBy.GROUP: "current_group_id",
    GroupBy.TEMPLATE: "template_id",
}
# The agent of each figure: `created` is the creator's, every other ticket figure the assignee's.
CREATOR = "creator_id"
ASSIGNEE = "assignee_id"
EVENT_KEYS = {
    GroupBy.AGENT: "actor_id",
    GroupBy.GROUP: "ticket__current_group_id",
    GroupBy.TEMPLATE: "ticket__template_id",
}


# --- periods -------------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def period_start(moment: datetime, period: GroupBy) -> date:
    day = _utc(moment).date()
    if period == GroupBy.WEEK:
        return day - timedelta(days=day.weekday())
    if period == GroupBy.MONTH:
        return day.replace(day=1)
    return day


def next_period(start: date, period: GroupBy) -> date:
    if period == GroupBy.DAY:
        return start + timedelta(days=1)
    if period == GroupBy.WEEK:
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def periods(spec: ReportSpec) -> list[tuple[date, datetime]]:
    """Each period touching the range: its first day and the end of its window (≤ `to`)."""
    found: list[tuple[date, datetime]] = []
    start = period_start(spec.start, spec.group_by)
    while _midnight(start) < spec.end:
        if len(found) == MAX_PERIODS:
            unit = {GroupBy.DAY: "days", GroupBy.WEEK: "weeks", GroupBy.MONTH: "months"}
            raise invalid(
                f"A {spec.group_by} report covers at most {MAX_PERIODS} "
                f"{unit[spec.group_by]}: shorten the range or group by a longer period",
                ["to"],
            )
        following = next_period(start, spec.group_by)
        found.append((start, min(_midnight(following), spec.end)))
        start = following
    return found


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# --- checks and filters --------------------------------------------------------------------


def checked(spec: ReportSpec) -> ReportSpec:
    """The spec with UTC bounds; INVALID (with the input path) when it makes no sense."""
    start, end = _utc(spec.start), _utc(spec.end)
    if end <= start:
        raise invalid("The range ends before it starts", ["to"])
    for name in ("agent_ids", "template_ids", "group_ids"):
        if len(getattr(spec.filter, name)) > MAX_LISTED:
            camel = name.split("_")[0] + "Ids"
            raise invalid(f"At most {MAX_LISTED} values", ["filter", camel])
    return ReportSpec(start, end, TimeBasis(spec.basis), GroupBy(spec.group_by), spec.filter)


def _agents(actor: Actor, given: ReportFilter, column: str) -> Q:
    """The agent part of the filter, on the assignee or actor column."""
    found = Q()
    if given.agent_ids:
        found &= Q(**{f"{column}__in": list(given.agent_ids)})  # type: ignore[arg-type]
    if given.role is not None:
        holders = (
            User.filter(tenant_id=actor.tenant_id)
            .annotate(roles_text=AsText("roles"))  # JSON on both
            .filter(roles_text__contains=f'"{Role(given.role)}"')
            .values("id")
        )
        found &= Q(**{f"{column}__in": Subquery(holders)})  # type: ignore[arg-type]
    return found


def _tickets(given: ReportFilter) -> Q:
    """The template and group part of the filter, and the rule that VOID never counts."""
    found = ~Q(status=Status.VOID) & Q(deleted_at=None)
    if given.template_ids:
        found &= Q(template_id__in=list(given.template_ids))
    if given.group_ids:
        found &= Q(current_group_id__in=list(given.group_ids))
    return found


# --- the three queries ---------------------------------------------------------------------


def _sum(term: Dialected, only: Q | None = None) -> Sum:
    """SUM over a dialect-aware term (Tortoise resolves any Expression; its hint names F)."""
    return Sum(cast(F, term), _filter=only)


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float, Decimal)) else 0.0


def _key(value: Any, group_by: GroupBy) -> int | date | None:
    if value is None:
        return None
    return _as_date(value) if group_by.is_period else int(value)


def _picked(spec: ReportSpec) -> tuple[str, Q]:
    """The moment the time basis reads, and the tickets it picks."""
    moment = "created_at" if spec.basis == TimeBasis.CREATED else "done_at"
    in_range = {f"{moment}__gte": spec.start, f"{moment}__lt": spec.end}
    picked = Q(**in_range)  # type: ignore[arg-type]
    if spec.basis == TimeBasis.DONE:
        picked &= Q(status=Status.DONE)
    return moment, picked


def _bucket(spec: ReportSpec, moment: str, agent: str) -> Any:
    if spec.group_by.is_period:
        return PeriodStart(moment, Period(spec.group_by))
    return F(agent if spec.group_by == GroupBy.AGENT else TICKET_KEYS[spec.group_by])


def _finished_by(end: datetime) -> Q:
    return Q(status=Status.DONE, done_at__lt=end)


def _sla_known(end: datetime) -> Q:
    """A resolution target whose outcome is known at `end`: finished by then, or due."""
    return Q(due_at__isnull=False) & (_finished_by(end) | Q(due_at__lt=end))


def _sla_met(end: datetime) -> Q:
    return Q(due_at__isnull=False, done_at__lte=F("due_at")) & _finished_by(end)


async def _created(spec: ReportSpec, base: Q) -> dict[Any, int]:
    """`created`, per creator (AGENT) or per the row's other key; `base` narrows by creator."""
    moment, picked = _picked(spec)
    created = Q(created_at__gte=spec.start, created_at__lt=spec.end)
    rows = (
        await Ticket.filter(base & picked & created)
        .annotate(bucket=_bucket(spec, moment, CREATOR), created=Count("id"))
        .group_by("bucket")
        .values("bucket", "created")
    )
    return {_key(row["bucket"], spec.group_by): row["created"] for row in rows}


async def _ticket_figures(spec: ReportSpec, base: Q) -> dict[Any, Figures]:
    """done and the means, over the tickets the time basis picks (`created` is `_created`'s)."""
    moment, picked = _picked(spec)
    done = Q(status=Status.DONE, done_at__gte=spec.start, done_at__lt=spec.end)
    rows = (
        await Ticket.filter(base & picked)
        .annotate(
            bucket=_bucket(spec, moment, ASSIGNEE),
            done=Count("id", _filter=done),
            first_response_sum=_sum(Seconds("first_response_at")),
            first_response_count=Count("first_response_at"),
            handling_sum=_sum(Seconds("done_at"), done),
            survey_sum=Sum("survey_score"),
            survey_count=Count("survey_score"),
            sla_tracked=Count("id", _filter=_sla_known(spec.end)),
            sla_met=Count("id", _filter=_sla_met(spec.end)),
        )
        .group_by("bucket")
        .values(
            "bucket",
            "done",
            "first_response_sum",
            "first_response_count",
            "handling_sum",
            "survey_sum",
            "survey_count",
            "sla_tracked",
            "sla_met",
        )
    )
    found: dict[Any, Figures] = {}
    for row in rows:
        found[_key(row["bucket"], spec.group_by)] = Figures(
            done=row["done"],
            first_response_sum=_number(row["first_response_sum"]),
            first_response_count=row["first_response_count"],
            handling_sum=_number(row["handling_sum"]),
            handling_count=row["done"],
            survey_sum=_number(row["survey_sum"]),
            survey_count=row["survey_count"],
            sla_tracked=row["sla_tracked"],
            sla_met=row["sla_met"],
        )
    return found


async def _action_figures(
    actor: Actor, spec: ReportSpec, scope: ReportScope
) -> dict[Any, dict[str, int]]:
    """The action counts: trace rows in the range, on tickets in the report's reach."""
    tickets = Ticket.filter(_tickets(spec.filter)).values("id")
    where = scope.actions() & Q(
        tenant_id=actor.tenant_id,
        kind__in=list(ACTIONS.values()),
        created_at__gte=spec.start,
        created_at__lt=spec.end,
        ticket_id__in=Subquery(tickets),
    )
    where &= _agents(actor, spec.filter, "actor_id")
    key = (
        PeriodStart("created_at", Period(spec.group_by))
        if spec.group_by.is_period
        else F(EVENT_KEYS[spec.group_by])
    )
    counts = {name: Count("id", _filter=Q(kind=kind)) for name, kind in ACTIONS.items()}
    rows = (
        await TicketEvent.filter(where)
        .annotate(bucket=key, **counts)
        .group_by("bucket")
        .values("bucket", *ACTIONS)
    )
    return {_key(row["bucket"], spec.group_by): {n: row[n] for n in ACTIONS} for row in rows}


def _open_at(end: datetime) -> Q:
    return Q(created_at__lt=end) & (Q(done_at=None) | Q(done_at__gte=end))


async def _backlog(spec: ReportSpec, base: Q, ends: list[datetime]) -> dict[Any, int]:
    """openAtEnd: per key at `to`, or (for periods) one count per window end, in one query."""
    if not spec.group_by.is_period:
        column = TICKET_KEYS[spec.group_by]
        rows = (
            await Ticket.filter(base & _open_at(spec.end))
            .annotate(bucket=F(column), open=Count("id"))
            .group_by("bucket")
            .values("bucket", "open")
        )
        return {_key(row["bucket"], spec.group_by): row["open"] for row in rows}
    counts = {f"open_{i}": Count("id", _filter=_open_at(end)) for i, end in enumerate(ends)}
    earliest = ends[0]
    candidates = Q(created_at__lt=spec.end) & (Q(done_at=None) | Q(done_at__gte=earliest))
    found = await Ticket.filter(base & candidates).annotate(**counts).values(*counts)
    totals = found[0] if found else {}
    return {i: totals.get(f"open_{i}") or 0 for i in range(len(ends))}


# --- the report ----------------------------------------------------------------------------


async def ticket_report(actor: Actor, reach: Reach, spec: ReportSpec) -> Report:
    spec = checked(spec)
    windows = periods(spec) if spec.group_by.is_period else []
    scope = report_scope(actor, reach)
    chosen = _tickets(spec.filter)
    base = scope.tickets(ASSIGNEE) & chosen & _agents(actor, spec.filter, ASSIGNEE)
    by_creator = scope.tickets(CREATOR) & chosen & _agents(actor, spec.filter, CREATOR)
    tickets = await _ticket_figures(spec, base)
    created = await _created(spec, by_creator)
    actions = await _action_figures(actor, spec, scope)
    backlog = await _backlog(spec, base, [end for _, end in windows])

    rows: dict[Any, Figures] = {}
    if spec.group_by.is_period:
        for index, (first_day, _) in enumerate(windows):
            rows[first_day] = Figures(open_at_end=backlog[index])
    else:
        for key, count in backlog.items():
            rows[key] = Figures(open_at_end=count)
    for key, figures in tickets.items():
        figures.open_at_end = rows[key].open_at_end if key in rows else 0
        rows[key] = figures
    for key, count in created.items():
        rows.setdefault(key, Figures()).created = count
    for key, counted in actions.items():
        target = rows.setdefault(key, Figures())
        for name, value in counted.items():
            setattr(target, name, value)

    ordered = [ReportRow(key, rows[key]) for key in _order(rows)]
    totals = Figures()
    for row in ordered:
        totals.add(row.figures)
    if spec.group_by.is_period:
        totals.open_at_end = ordered[-1].figures.open_at_end if ordered else 0
    return Report(spec, ordered, totals)


def _order(keys: Iterable[Any]) -> list[Any]:
    """Periods in time order; ids ascending with the key-less row last."""
    present = list(keys)
    known = sorted(k for k in present if k is not None)
    return [*known, None] if None in present else known
