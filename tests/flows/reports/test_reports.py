"""The ticket report against a hand-computed org: every figure of every grouping is worked out
below, from rows written directly with fixed times (all UTC, March 2025; 03-03 is a Monday).

    People: sam (SUPERVISOR of Sales; cal reports to him), ann and bob (Sales agents),
            fay (SUPERVISOR of Finance), cal (Finance agent, reports to sam).
    Templates: Order, Returns.

    ticket  creator assignee group    template created     1st response  done         status  score
    T1      ann     ann      Sales    Order    03-03 09:00 +600 s        03-05 09:00  DONE    5
    T2      ann     ann      Sales    Returns  03-03 12:00 +1800 s       -            IN_PROGRESS
    T3      bob     bob      Sales    Order    02-20 10:00 +3600 s       03-10 10:00  DONE    3
    T4      cal     cal      Finance  Order    03-15 08:00 +3600 s       04-02 08:00  DONE    4
    T5      cal     -        Sales    Order    03-20 00:00 -             -            PENDING
    T6      bob     bob      Sales    Order    03-31 23:00 -             -            VOID
    T7      ann     ann      Sales    Order    03-10 00:00 -             -            deleted
    T8      fay     fay      Finance  Returns  01-10 00:00 +3600 s       -            IN_PROGRESS
    T9      bob     ann      Sales    Order    03-23 10:00 +1200 s       03-24 10:00  DONE    -
            (03-23 is a Sunday: the week of Monday 03-17; bob created it and handed it to ann)
    `created` goes to the creator (an AGENT row, the agent filter), every other ticket figure
    to the present assignee.
    Participants: bob in T9, cal in T5 (so each may see the ticket they acted on).

    event  ticket kind         actor time
    E1     T1     CLAIMED      ann   03-03 09:10
    E2     T1     FORWARDED    ann   03-04 10:00
    E3     T2     CLAIMED      ann   03-03 12:30
    E4     T3     URGED        sam   03-05 08:00
    E5     T3     RETURNED     bob   03-06 09:00
    E6     T4     TRANSFERRED  fay   03-16 09:00
    E7     T5     URGED        cal   03-21 10:00
    E8     T2     CLAIMED      ann   02-28 23:59   (before March)
    E9     T6     CLAIMED      bob   03-31 23:10   (VOID ticket: never counted)
    E10    T1     NOTED        ann   03-04 11:00   (not a counted kind)
    E11    T8     FORWARDED    fay   03-12 09:00
    E12    T9     CLAIMED      bob   03-23 10:20
    E13    T9     TRANSFERRED  bob   03-23 11:00
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.support import OrgBuilder
from workorder.auth.actor import Actor
from workorder.auth.visibility import reach_of
from workorder.errors import ErrorCode, FlowError
from workorder.flows.reports.reports import next_period, period_start, ticket_report
from workorder.flows.reports.spec import GroupBy, Report, ReportFilter, ReportSpec, TimeBasis
from workorder.flows.templates.versions import create_template
from workorder.models import (
    EventKind,
    Group,
    Role,
    Status,
    Template,
    Ticket,
    TicketEvent,
    TicketParticipant,
    User,
)


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=UTC)


MARCH = (at(3, 1), at(4, 1))


@dataclass
class ReportOrg:
    org: OrgBuilder
    users: dict[str, User]
    groups: dict[str, Group]
    templates: dict[str, Template]
    tickets: dict[str, Ticket]

    def actor(self, name: str) -> Actor:
        return Actor.of(self.users[name])


async def build_report_org(org: OrgBuilder) -> ReportOrg:
    admin = org.admin_actor
    users = {"admin": org.admin}
    users["sam"] = await org.user("sam", Role.SUPERVISOR)
    users["ann"] = await org.user("ann")
    users["bob"] = await org.user("bob")
    users["fay"] = await org.user("fay", Role.SUPERVISOR)
    users["cal"] = await org.user("cal", superior=users["sam"])
    u = users
    groups = {
        "Sales": await org.group("Sales", [u["ann"], u["bob"]], [u["sam"]]),
        "Finance": await org.group("Finance", [u["cal"], u["fay"]], [u["fay"]]),
    }
    templates = {
        "Order": await create_template(admin, {"name": "Order"}),
        "Returns": await create_template(admin, {"name": "Returns"}),
    }
    tickets: dict[str, Ticket] = {}
    table: list[tuple[Any, ...]] = [
        # name, assignee, group, template, created, first response (s), done, status, score
        ("T1", "ann", "Sales", "Order", at(3, 3, 9), 600, at(3, 5, 9), Status.DONE, 5),
        ("T2", "ann", "Sales", "Returns", at(3, 3, 12), 1800, None, Status.IN_PROGRESS, None),
        ("T3", "bob", "Sales", "Order", at(2, 20, 10), 3600, at(3, 10, 10), Status.DONE, 3),
        ("T4", "cal", "Finance", "Order", at(3, 15, 8), 3600, at(4, 2, 8), Status.DONE, 4),
        ("T5", None, "Sales", "Order", at(3, 20), None, None, Status.PENDING, None),
        ("T6", "bob", "Sales", "Order", at(3, 31, 23), None, None, Status.VOID, None),
        ("T7", "ann", "Sales", "Order", at(3, 10), None, None, Status.IN_PROGRESS, None),
        ("T8", "fay", "Finance", "Returns", at(1, 10), 3600, None, Status.IN_PROGRESS, None),
        ("T9", "ann", "Sales", "Order", at(3, 23, 10), 1200, at(3, 24, 10), Status.DONE, None),
    ]
    creators = {"T5": "cal", "T9": "bob"}  # the others: their assignee
    for number, row in enumerate(table, start=1):
        name, assignee, group, template, created, response, done, status, score = row
        creator = creators.get(name, assignee)
        ticket = await Ticket.create(
            tenant_id=org.tenant.id,
            number=number,
            template_id=templates[template].id,
            template_version_id=templates[template].current_version_id,
            title=name,
            status=status,
            creator_id=u[creator].id,
            assignee_id=u[assignee].id if assignee else None,
            current_group_id=groups[group].id,
            first_response_at=created + timedelta(seconds=response) if response else None,
            done_at=done,
            survey_score=score,
            deleted_at=at(3, 11) if name == "T7" else None,
        )
        await Ticket.filter(id=ticket.id).update(created_at=created)
        tickets[name] = ticket
    events = [
        ("T1", EventKind.CLAIMED, "ann", at(3, 3, 9, 10)),
        ("T1", EventKind.FORWARDED, "ann", at(3, 4, 10)),
        ("T2", EventKind.CLAIMED, "ann", at(3, 3, 12, 30)),
        ("T3", EventKind.URGED, "sam", at(3, 5, 8)),
        ("T3", EventKind.RETURNED, "bob", at(3, 6, 9)),
        ("T4", EventKind.TRANSFERRED, "fay", at(3, 16, 9)),
        ("T5", EventKind.URGED, "cal", at(3, 21, 10)),
        ("T2", EventKind.CLAIMED, "ann", at(2, 28, 23, 59)),
        ("T6", EventKind.CLAIMED, "bob", at(3, 31, 23, 10)),
        ("T1", EventKind.NOTED, "ann", at(3, 4, 11)),
        ("T8", EventKind.FORWARDED, "fay", at(3, 12, 9)),
        ("T9", EventKind.CLAIMED, "bob", at(3, 23, 10, 20)),
        ("T9", EventKind.TRANSFERRED, "bob", at(3, 23, 11)),
    ]
    for name, kind, who, moment in events:
        event = await TicketEvent.create(
            tenant_id=org.tenant.id, ticket_id=tickets[name].id, kind=kind, actor_id=u[who].id
        )
        await TicketEvent.filter(id=event.id).update(created_at=moment)
    # Who acted on a ticket they are not in charge of took part in it (and so may see it).
    for name, who in [("T9", "bob"), ("T5", "cal")]:
        await TicketParticipant.create(ticket_id=tickets[name].id, user_id=u[who].id)
    return ReportOrg(org, users, groups, templates, tickets)


@pytest.fixture
async def world(org: OrgBuilder) -> ReportOrg:
    return await build_report_org(org)


async def run(
    world: ReportOrg,
    who: str,
    group_by: GroupBy,
    span: tuple[datetime, datetime] = MARCH,
    basis: TimeBasis = TimeBasis.CREATED,
    given: ReportFilter | None = None,
) -> Report:
    actor = world.actor(who)
    spec = ReportSpec(span[0], span[1], basis, group_by, given or ReportFilter())
    return await ticket_report(actor, await reach_of(actor), spec)


FIGURES = (
    "created",
    "claimed",
    "forwarded",
    "returned",
    "transferred",
    "urged",
    "done",
    "open_at_end",
)
MEANS = ("mean_first_response_seconds", "mean_handling_seconds", "mean_survey_score")


def figures(counts: str, *means: float | None) -> dict[str, Any]:
    """`counts`: created claimed forwarded returned transferred urged done openAtEnd."""
    found: dict[str, Any] = dict(zip(FIGURES, map(int, counts.split()), strict=True))
    found.update(zip(MEANS, (*means, None, None, None)[:3], strict=True))
    return found


def shown(report: Report, names: dict[int, str] | None = None) -> dict[Any, dict[str, Any]]:
    """Rows as {key: figures}, ids replaced by names; the totals under "total"."""

    def read(values: Any) -> dict[str, Any]:
        data = asdict(values)
        found = {name: data[name] for name in FIGURES}
        found.update({name: getattr(values, name) for name in MEANS})
        return found

    rows: dict[Any, dict[str, Any]] = {}
    for row in report.rows:
        key: Any = row.key
        if names is not None and isinstance(key, int):
            key = names[key]
        rows[key] = read(row.figures)
    rows["total"] = read(report.totals)
    return rows


def user_names(world: ReportOrg) -> dict[int, str]:
    return {user.id: name for name, user in world.users.items()}


def group_names(world: ReportOrg) -> dict[int, str]:
    return {group.id: name for name, group in world.groups.items()}


def template_names(world: ReportOrg) -> dict[int, str]:
    return {template.id: name for name, template in world.templates.items()}


async def test_by_agent_on_creation(world: ReportOrg):
    report = await run(world, "admin", GroupBy.AGENT)
    assert shown(report, user_names(world)) == {
        "sam": figures("0 0 0 0 0 1 0 0"),
        "ann": figures("2 2 1 0 0 0 2 1", 1200.0, 129600.0, 5.0),
        "bob": figures("1 1 0 1 1 0 0 0"),
        "fay": figures("0 0 1 0 1 0 0 1"),
        "cal": figures("2 0 0 0 0 1 0 1", 3600.0, None, 4.0),
        None: figures("0 0 0 0 0 0 0 1"),
        "total": figures("5 3 2 1 2 2 2 4", 1800.0, 129600.0, 4.5),
    }


async def test_by_agent_on_completion(world: ReportOrg):
    """DONE basis: T1, T3, T9 are the tickets; actions and backlog do not depend on it."""
    report = await run(world, "admin", GroupBy.AGENT, basis=TimeBasis.DONE)
    assert shown(report, user_names(world)) == {
        "sam": figures("0 0 0 0 0 1 0 0"),
        "ann": figures("1 2 1 0 0 0 2 1", 900.0, 129600.0, 5.0),
        "bob": figures("1 1 0 1 1 0 1 0", 3600.0, 1555200.0, 3.0),
        "fay": figures("0 0 1 0 1 0 0 1"),
        "cal": figures("0 0 0 0 0 1 0 1"),
        None: figures("0 0 0 0 0 0 0 1"),
        "total": figures("2 3 2 1 2 2 3 4", 1800.0, 604800.0, 4.0),
    }


async def test_by_group(world: ReportOrg):
    report = await run(world, "admin", GroupBy.GROUP)
    assert shown(report, group_names(world)) == {
        "Sales": figures("4 3 1 1 1 2 2 2", 1200.0, 129600.0, 5.0),
        "Finance": figures("1 0 1 0 1 0 0 2", 3600.0, None, 4.0),
        "total": figures("5 3 2 1 2 2 2 4", 1800.0, 129600.0, 4.5),
    }


async def test_by_template(world: ReportOrg):
    report = await run(world, "admin", GroupBy.TEMPLATE)
    assert shown(report, template_names(world)) == {
        "Order": figures("4 2 1 1 2 2 2 2", 1800.0, 129600.0, 4.5),
        "Returns": figures("1 1 1 0 0 0 0 2", 1800.0),
        "total": figures("5 3 2 1 2 2 2 4", 1800.0, 129600.0, 4.5),
    }


async def test_by_day(world: ReportOrg):
    """03-03 … 03-05: each day's backlog is read at its own end (T1 is done on 03-05)."""
    report = await run(world, "admin", GroupBy.DAY, (at(3, 3), at(3, 6)))
    assert shown(report) == {
        date(2025, 3, 3): figures("2 2 0 0 0 0 1 4", 1200.0, 172800.0, 5.0),
        date(2025, 3, 4): figures("0 0 1 0 0 0 0 4"),
        date(2025, 3, 5): figures("0 0 0 0 0 1 0 3"),
        "total": figures("2 2 1 0 0 1 1 3", 1200.0, 172800.0, 5.0),
    }


async def test_by_week_starts_on_monday(world: ReportOrg):
    """T9, created on Sunday 03-23, belongs to the week of Monday 03-17; the first week is
    cut to the range (it starts on Saturday 03-01)."""
    report = await run(world, "admin", GroupBy.WEEK, (at(3, 1), at(3, 24)))
    created = {row.key: row.figures.created for row in report.rows}
    assert created == {
        date(2025, 2, 24): 0,
        date(2025, 3, 3): 2,
        date(2025, 3, 10): 1,
        date(2025, 3, 17): 2,
    }
    backlog = [row.figures.open_at_end for row in report.rows]
    # At 03-03: T3, T8. At 03-10: T1 is done, T2 is not. At 03-17: T3 is done, T4 is not.
    # At 03-24 00:00: + T5 and T9 (done later that day).
    assert backlog == [2, 3, 3, 5]
    assert report.totals.open_at_end == 5


async def test_by_month(world: ReportOrg):
    """02-15 … 03-31: T3 (created in February, done in March) is February's; E8 too."""
    report = await run(world, "admin", GroupBy.MONTH, (at(2, 15), at(4, 1)))
    assert shown(report) == {
        date(2025, 2, 1): figures("1 1 0 0 0 0 1 2", 3600.0, 1555200.0, 3.0),
        date(2025, 3, 1): figures("5 3 2 1 2 2 2 4", 1800.0, 129600.0, 4.5),
        "total": figures("6 4 2 1 2 2 3 4", 2160.0, 604800.0, 4.0),
    }


async def test_a_supervisor_sees_their_groups_and_subordinates(world: ReportOrg):
    """Sam: Sales, plus Finance's T4 because cal reports to him; fay's transfer of T4 and her
    forward of T8 are neither in Sales nor by his people."""
    report = await run(world, "sam", GroupBy.GROUP)
    assert shown(report, group_names(world)) == {
        "Sales": figures("4 3 1 1 1 2 2 2", 1200.0, 129600.0, 5.0),
        "Finance": figures("1 0 0 0 0 0 0 1", 3600.0, None, 4.0),
        "total": figures("5 3 1 1 1 2 2 3", 1800.0, 129600.0, 4.5),
    }
    fay = await run(world, "fay", GroupBy.GROUP)
    assert shown(fay, group_names(world)) == {
        "Finance": figures("1 0 1 0 1 0 0 2", 3600.0, None, 4.0),
        "total": figures("1 0 1 0 1 0 0 2", 3600.0, None, 4.0),
    }


async def test_an_agent_sees_only_their_own(world: ReportOrg):
    """Ann sees the Sales pool ticket T5 in lists, but it is not hers; bob's claim of her T9
    is his action, not hers."""
    report = await run(world, "ann", GroupBy.AGENT)
    assert shown(report, user_names(world)) == {
        "ann": figures("2 2 1 0 0 0 2 1", 1200.0, 129600.0, 5.0),
        "total": figures("2 2 1 0 0 0 2 1", 1200.0, 129600.0, 5.0),
    }
    by_day = await run(world, "bob", GroupBy.MONTH)
    assert shown(by_day) == {  # bob created T9, now ann's
        date(2025, 3, 1): figures("1 1 0 1 1 0 0 0"),
        "total": figures("1 1 0 1 1 0 0 0"),
    }


async def test_another_tenant_sees_nothing(world: ReportOrg):
    other = await OrgBuilder.create(world.org.api, "globex")
    actor = other.admin_actor
    spec = ReportSpec(*MARCH, group_by=GroupBy.TEMPLATE)
    report = await ticket_report(actor, await reach_of(actor), spec)
    assert report.rows == []
    assert shown(report) == {"total": figures("0 0 0 0 0 0 0 0")}
    days = ReportSpec(*MARCH, group_by=GroupBy.DAY)
    empty = await ticket_report(actor, await reach_of(actor), days)
    assert len(empty.rows) == 31
    assert all(shown(empty)[day] == figures("0 0 0 0 0 0 0 0") for day in shown(empty))


async def test_filters(world: ReportOrg):
    names = user_names(world)
    supervisors = await run(world, "admin", GroupBy.AGENT, given=ReportFilter(role=Role.SUPERVISOR))
    assert shown(supervisors, names) == {
        "sam": figures("0 0 0 0 0 1 0 0"),
        "fay": figures("0 0 1 0 1 0 0 1"),
        "total": figures("0 0 1 0 1 1 0 1"),
    }
    ann = world.users["ann"].id
    only_ann = await run(world, "admin", GroupBy.GROUP, given=ReportFilter(agent_ids=(ann,)))
    assert shown(only_ann, group_names(world)) == {
        "Sales": figures("2 2 1 0 0 0 2 1", 1200.0, 129600.0, 5.0),
        "total": figures("2 2 1 0 0 0 2 1", 1200.0, 129600.0, 5.0),
    }
    returns = world.templates["Returns"].id
    finance = world.groups["Finance"].id
    narrowed = ReportFilter(template_ids=(returns,), group_ids=(finance,))
    returns_in_finance = await run(world, "admin", GroupBy.AGENT, given=narrowed)
    assert shown(returns_in_finance, names) == {
        "fay": figures("0 0 1 0 0 0 0 1"),
        "total": figures("0 0 1 0 0 0 0 1"),
    }


@pytest.mark.parametrize(
    ("group_by", "span", "message"),
    [
        (GroupBy.AGENT, (at(3, 2), at(3, 1)), "The range ends before it starts"),
        (GroupBy.TEMPLATE, (at(3, 1), at(3, 1)), "The range ends before it starts"),
        (GroupBy.DAY, (at(3, 1), at(3, 1) + timedelta(days=367)), "at most 366 days"),
        (GroupBy.MONTH, (at(3, 1), at(3, 1) + timedelta(days=366 * 31)), "at most 366 months"),
    ],
)
async def test_bad_ranges_are_invalid(
    world: ReportOrg, group_by: GroupBy, span: tuple[datetime, datetime], message: str
):
    with pytest.raises(FlowError) as caught:
        await run(world, "admin", group_by, span)
    assert caught.value.code == ErrorCode.INVALID
    assert caught.value.field == ["to"]
    assert message in caught.value.message


async def test_a_year_of_days_is_fine(world: ReportOrg):
    report = await run(world, "admin", GroupBy.DAY, (at(1, 1), at(1, 1) + timedelta(days=366)))
    assert len(report.rows) == 366
    assert report.totals.created == 7  # all but the VOID T6 and the deleted T7


def test_periods_in_python():
    monday = date(2025, 3, 3)
    assert period_start(at(3, 9, 23, 59), GroupBy.WEEK) == monday
    assert period_start(at(3, 3), GroupBy.WEEK) == monday
    assert period_start(at(3, 17), GroupBy.MONTH) == date(2025, 3, 1)
    assert next_period(date(2025, 12, 1), GroupBy.MONTH) == date(2026, 1, 1)
    assert next_period(monday, GroupBy.WEEK) == date(2025, 3, 10)


async def with_targets(world: ReportOrg) -> None:
    """Resolution targets (SLA due dates) on some tickets; outcome at the end of March:

    T1 due 03-04 09:00, done 03-05: missed.     T2 due 03-05, still open: missed.
    T3 due 03-11, done 03-10: met.              T4 due 03-31, done 04-02: missed.
    T5 due 04-10, open: not known yet.          T9 due 03-25, done 03-24: met.
    """
    due = {
        "T1": at(3, 4, 9),
        "T2": at(3, 5),
        "T3": at(3, 11),
        "T4": at(3, 31),
        "T5": at(4, 10),
        "T9": at(3, 25),
    }
    for name, moment in due.items():
        await Ticket.filter(id=world.tickets[name].id).update(due_at=moment)


def attainment(report: Report, names: dict[int, str] | None = None) -> dict[Any, tuple[Any, ...]]:
    found: dict[Any, tuple[Any, ...]] = {}
    for row in report.rows:
        key: Any = names[row.key] if names is not None and isinstance(row.key, int) else row.key
        found[key] = (row.figures.sla_tracked, row.figures.sla_met, row.figures.sla_attainment)
    t = report.totals
    found["total"] = (t.sla_tracked, t.sla_met, t.sla_attainment)
    return found


async def test_sla_attainment_per_agent_group_and_template(world: ReportOrg):
    await with_targets(world)
    by_agent = await run(world, "admin", GroupBy.AGENT)
    assert attainment(by_agent, user_names(world)) == {
        "sam": (0, 0, None),
        "ann": (3, 1, 0.333),  # T1, T2 missed; T9 met
        "bob": (0, 0, None),  # T3 is February's
        "fay": (0, 0, None),
        "cal": (1, 0, 0.0),  # T4 done two days late
        None: (0, 0, None),  # T5 is not due yet
        "total": (4, 1, 0.25),
    }
    by_group = await run(world, "admin", GroupBy.GROUP)
    assert attainment(by_group, group_names(world)) == {
        "Sales": (3, 1, 0.333),
        "Finance": (1, 0, 0.0),
        "total": (4, 1, 0.25),
    }
    by_template = await run(world, "admin", GroupBy.TEMPLATE)
    assert attainment(by_template, template_names(world)) == {
        "Order": (3, 1, 0.333),
        "Returns": (1, 0, 0.0),
        "total": (4, 1, 0.25),
    }
    # The tickets finished in March: T1 (missed), T3 and T9 (met).
    done = await run(world, "admin", GroupBy.AGENT, basis=TimeBasis.DONE)
    assert attainment(done, user_names(world))["total"] == (3, 2, 0.667)
    assert attainment(done, user_names(world))["bob"] == (1, 1, 1.0)
    # At the end of April T5's outcome is known: still open, so missed.
    april = await run(world, "admin", GroupBy.GROUP, (at(3, 1), at(5, 1)))
    assert attainment(april, group_names(world))["Sales"] == (4, 1, 0.25)
