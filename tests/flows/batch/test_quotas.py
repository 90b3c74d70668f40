"""Assigning by quota (分配额度): the arithmetic, then the flow on the shop."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.flows.batch.test_batch import granted, in_finance, in_sales
from tests.shop import Shop
from workorder.auth.permissions import Permission
from workorder.errors import ErrorCode, FlowError
from workorder.flows.batch import quotas
from workorder.flows.batch.quotas import Quota, even_split, pair, plan_shares
from workorder.flows.tickets.handling import assign_ticket, claim_ticket
from workorder.flows.views.filters import TicketFilter
from workorder.flows.views.lists import ListSpec
from workorder.models import (
    Department,
    EventKind,
    Notification,
    NotificationKind,
    Role,
    Status,
    Ticket,
    TicketEvent,
    User,
)

FAST = settings(max_examples=300, deadline=None)
AGENTS = st.lists(st.integers(1, 10_000), min_size=1, max_size=12, unique=True)

# ---- the arithmetic ----------------------------------------------------------------------


@FAST
@given(total=st.integers(0, 5_000), agents=AGENTS)
def test_an_even_split_keeps_the_total_and_differs_by_one_at_most(total: int, agents: list[int]):
    split = even_split(total, agents)
    assert sorted(split) == sorted(agents)
    assert sum(split.values()) == total
    ceiling, floor = math.ceil(total / len(agents)), total // len(agents)
    assert all(floor <= n <= ceiling for n in split.values())
    # The remainder goes to the first agents by user id: shares never grow along the ids.
    in_id_order = [split[a] for a in sorted(agents)]
    assert in_id_order == sorted(in_id_order, reverse=True)
    assert even_split(total, list(reversed(agents))) == split


def test_five_among_two_is_three_and_two():
    assert even_split(5, [9, 4]) == {4: 3, 9: 2}
    assert even_split(0, [1, 2]) == {1: 0, 2: 0}


QUOTAS = st.lists(st.builds(Quota, st.integers(1, 20), st.none() | st.integers(-3, 30)), max_size=6)


@FAST
@given(
    given_quotas=QUOTAS,
    split_evenly=st.booleans(),
    total=st.none() | st.integers(-2, 60),
    left=st.integers(0, 60),
)
def test_a_plan_is_refused_as_invalid_or_fits_what_is_left(
    given_quotas: list[Quota], split_evenly: bool, total: int | None, left: int
):
    refusal: FlowError | None = None
    try:
        plan = plan_shares(given_quotas, split_evenly=split_evenly, total=total, left=left)
    except FlowError as error:
        refusal = error
    if refusal is not None:
        assert refusal.code == ErrorCode.INVALID and refusal.field
        return
    assert list(plan) == sorted(q.user_id for q in given_quotas)
    assert all(n >= 0 for n in plan.values())
    assert sum(plan.values()) <= left
    if total is not None:
        assert sum(plan.values()) == total
    if split_evenly:
        assert max(plan.values()) - min(plan.values()) <= 1
        if total is None:
            assert sum(plan.values()) == left
    else:
        assert plan == {q.user_id: q.amount or 0 for q in given_quotas}


@pytest.mark.parametrize(
    ("given_quotas", "split_evenly", "total", "field"),
    [
        ([Quota(1, 4), Quota(2, 3)], False, None, ["quotas"]),  # 7 of 6 left
        ([Quota(1, 3), Quota(2, 1)], False, 5, ["quotas"]),  # 4, not 5
        ([Quota(1, 3), Quota(2, -1)], False, None, ["quotas", "1", "amount"]),
        ([Quota(1), Quota(2)], True, 7, ["total"]),
        ([Quota(1, 2), Quota(2)], True, None, ["quotas", "0", "amount"]),
        ([Quota(1, 2), Quota(1, 2)], False, None, ["quotas"]),
        ([], False, None, ["quotas"]),
        ([Quota(1, 0)], False, -1, ["total"]),
    ],
)
def test_plans_that_are_refused(
    given_quotas: list[Quota], split_evenly: bool, total: int | None, field: list[str]
):
    with pytest.raises(FlowError) as refused:
        plan_shares(given_quotas, split_evenly=split_evenly, total=total, left=6)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, field)


def test_plans_that_fit():
    typed = [Quota(7, 3), Quota(5, 2)]
    assert plan_shares(typed, split_evenly=False, total=None, left=6) == {5: 2, 7: 3}
    assert plan_shares(typed, split_evenly=False, total=5, left=5) == {5: 2, 7: 3}
    assert plan_shares([Quota(7), Quota(5)], split_evenly=True, total=None, left=5) == {
        5: 3,
        7: 2,
    }
    assert plan_shares([Quota(7), Quota(5, None)], split_evenly=False, total=None, left=0) == {
        5: 0,
        7: 0,
    }


@FAST
@given(
    tickets=st.lists(st.integers(1, 10_000), max_size=40, unique=True),
    shares=st.dictionaries(st.integers(1, 50), st.integers(0, 15), max_size=6),
)
def test_pairs_deal_the_oldest_tickets_within_each_share(
    tickets: list[int], shares: dict[int, int]
):
    pairs = pair(tickets, shares)
    dealt = [t for t, _ in pairs]
    assert len(dealt) == len(set(dealt)) == min(len(tickets), sum(shares.values()))
    assert sorted(dealt) == sorted(tickets)[: len(dealt)]
    got = Counter(a for _, a in pairs)
    assert all(got[a] <= n for a, n in shares.items())
    if len(dealt) == sum(shares.values()):
        assert all(got[a] == n for a, n in shares.items())


def test_pairs_go_round_the_agents_by_id():
    assert pair([14, 11, 12, 13, 15], {9: 1, 4: 3}) == [(11, 4), (12, 9), (13, 4), (14, 4)]


# ---- the flow --------------------------------------------------------------------------


async def six_waiting(shop: Shop) -> list[Ticket]:
    return [await in_finance(shop, f"A-{n}") for n in range(6)]


async def assigned_to(user: User) -> int:
    return await Ticket.filter(assignee_id=user.id, status=Status.IN_PROGRESS).count()


async def test_typed_quotas_three_and_two_of_six_leave_one(shop: Shop):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    cal_user, fay_user = shop.users["cal"], shop.users["fay"]
    tickets = await six_waiting(shop)

    result = await quotas.assign_with_quota(
        fay,
        ticket_ids=[t.id for t in tickets],
        quotas=[Quota(cal_user.id, 3), Quota(fay_user.id, 2)],
        comment="Morning share",
        limit=200,
    )

    assert (result.selected, result.available, result.assigned, result.unassigned) == (
        6,
        6,
        5,
        1,
    )
    assert {s.user.id: (s.quota, s.assigned) for s in result.shares} == {
        cal_user.id: (3, 3),
        fay_user.id: (2, 2),
    }
    assert all(o.ok for o in result.outcomes) and len(result.outcomes) == 5
    assert (await assigned_to(cal_user), await assigned_to(fay_user)) == (3, 2)
    # The newest stays in the pool.
    left = await Ticket.filter(status=Status.PENDING)
    assert [t.id for t in left] == [tickets[-1].id]
    # Through the assign action: its event with the comment, its notification.
    assigned_events = await TicketEvent.filter(kind=EventKind.ASSIGNED)
    assert len(assigned_events) == 5
    assert {e.comment for e in assigned_events} == {"Morning share"}
    assert (
        await Notification.filter(kind=NotificationKind.ASSIGNED, recipient_id=cal_user.id).count()
        == 3
    )


async def test_even_split_five_among_two_gives_three_and_two(shop: Shop):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    cal_user, fay_user = shop.users["cal"], shop.users["fay"]
    tickets = await six_waiting(shop)

    result = await quotas.assign_with_quota(
        fay,
        ticket_ids=[t.id for t in tickets],
        quotas=[Quota(cal_user.id), Quota(fay_user.id)],
        split_evenly=True,
        total=5,
        limit=200,
    )

    first, second = sorted([cal_user, fay_user], key=lambda u: u.id)
    assert {s.user.id: s.assigned for s in result.shares} == {first.id: 3, second.id: 2}
    assert (await assigned_to(first), await assigned_to(second)) == (3, 2)
    assert result.unassigned == 1


async def test_even_split_without_a_total_hands_out_all_that_is_left(shop: Shop):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = await six_waiting(shop)
    result = await quotas.assign_with_quota(
        fay,
        ticket_ids=[t.id for t in tickets],
        quotas=[Quota(shop.users["cal"].id), Quota(shop.users["fay"].id)],
        split_evenly=True,
        limit=200,
    )
    assert (result.assigned, result.unassigned) == (6, 0)
    assert await Ticket.filter(status=Status.PENDING).count() == 0


@pytest.mark.parametrize(
    ("amounts", "total", "field"),
    [((4, 3), None, ["quotas"]), ((3, 1), 5, ["quotas"]), ((3, -1), None, None)],
)
async def test_quotas_that_do_not_fit_assign_nothing(
    shop: Shop, amounts: tuple[int, int], total: int | None, field: list[str] | None
):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = await six_waiting(shop)
    with pytest.raises(FlowError) as refused:
        await quotas.assign_with_quota(
            fay,
            ticket_ids=[t.id for t in tickets],
            quotas=[
                Quota(shop.users["cal"].id, amounts[0]),
                Quota(shop.users["fay"].id, amounts[1]),
            ],
            total=total,
            limit=200,
        )
    assert refused.value.code == ErrorCode.INVALID
    assert refused.value.field == (field or ["quotas", "1", "amount"])
    assert await Ticket.filter(status=Status.PENDING).count() == 6
    assert await TicketEvent.filter(kind=EventKind.ASSIGNED).count() == 0


async def test_what_is_left_leaves_out_claimed_and_unseen_tickets(shop: Shop):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = await six_waiting(shop)
    claimed = await claim_ticket(shop.actor("cal"), tickets[0].id)
    hidden = await in_sales(shop, "B-1")  # Fay cannot see it: NOT_FOUND, never counted
    ids = [hidden.id, *[t.id for t in tickets]]

    with pytest.raises(FlowError) as refused:
        await quotas.assign_with_quota(
            fay, ticket_ids=ids, quotas=[Quota(shop.users["cal"].id, 6)], limit=200
        )
    assert "only 5 tickets are left" in refused.value.message

    result = await quotas.assign_with_quota(
        fay, ticket_ids=ids, quotas=[Quota(shop.users["cal"].id, 5)], limit=200
    )
    assert (result.selected, result.available, result.assigned) == (7, 5, 5)
    errors = {o.ticket_id: o.error.code for o in result.outcomes if o.error is not None}
    assert errors == {hidden.id: ErrorCode.NOT_FOUND, claimed.id: ErrorCode.WRONG_STATUS}
    assert (await Ticket.get(id=hidden.id)).assignee_id == shop.users["ann"].id


async def test_a_dry_run_counts_and_plans_and_changes_nothing(shop: Shop):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = await six_waiting(shop)
    ids = [t.id for t in tickets]

    counted = await quotas.assign_with_quota(
        fay, ticket_ids=ids, quotas=[], limit=200, dry_run=True
    )
    assert (counted.selected, counted.available, counted.shares) == (6, 6, [])

    planned = await quotas.assign_with_quota(
        fay,
        ticket_ids=ids,
        quotas=[Quota(shop.users["cal"].id, 4)],
        limit=200,
        dry_run=True,
    )
    assert [(s.quota, s.assigned) for s in planned.shares] == [(4, 0)]
    assert await Ticket.filter(status=Status.PENDING).count() == 6


async def test_a_ticket_claimed_meanwhile_stays_with_its_claimer(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = await six_waiting(shop)
    cal_actor = shop.actor("cal")

    async def racing(actor: Any, ticket_id: int, user_id: int, **kw: Any) -> Ticket:
        if ticket_id == tickets[0].id:  # Cal claims it just before the assignment lands
            await claim_ticket(cal_actor, ticket_id)
        return await assign_ticket(actor, ticket_id, user_id, **kw)

    monkeypatch.setattr("workorder.flows.batch.quotas.assign_ticket", racing)
    result = await quotas.assign_with_quota(
        fay, ticket_ids=[t.id for t in tickets], quotas=[Quota(shop.users["fay"].id, 2)], limit=200
    )

    assert result.outcomes[0].error is not None
    assert result.outcomes[0].error.code == ErrorCode.CONFLICT
    assert [s.assigned for s in result.shares] == [1]
    assert (await Ticket.get(id=tickets[0].id)).assignee_id == shop.users["cal"].id


async def test_agents_must_be_active_people_of_the_tenant(shop: Shop):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = await six_waiting(shop)
    await User.filter(id=shop.users["cal"].id).update(active=False)
    with pytest.raises(FlowError) as refused:
        await quotas.assign_with_quota(
            fay,
            ticket_ids=[t.id for t in tickets],
            quotas=[Quota(shop.users["fay"].id, 1), Quota(shop.users["cal"].id, 1)],
            limit=200,
        )
    assert (refused.value.code, refused.value.field) == (
        ErrorCode.NOT_FOUND,
        ["quotas", "1", "userId"],
    )


async def test_quota_assignment_needs_the_batch_grant_and_a_bounded_selection(shop: Shop):
    tickets = await six_waiting(shop)
    ids = [t.id for t in tickets]
    cal = [Quota(shop.users["cal"].id, 1)]
    with pytest.raises(FlowError) as forbidden:
        await quotas.assign_with_quota(shop.actor("fay"), ticket_ids=ids, quotas=cal, limit=200)
    assert forbidden.value.code == ErrorCode.FORBIDDEN
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    with pytest.raises(FlowError) as too_many:
        await quotas.assign_with_quota(fay, ticket_ids=ids, quotas=cal, limit=5)
    assert too_many.value.field == ["ids"]
    assert await Ticket.filter(status=Status.PENDING).count() == 6


async def test_a_list_spec_selects_the_waiting_tickets_of_a_filter(shop: Shop):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = await six_waiting(shop)
    await claim_ticket(shop.actor("cal"), tickets[0].id)
    spec = ListSpec(filter=TicketFilter(group_ids=(shop.groups["Finance"].id,)))
    cal = shop.users["cal"]

    with pytest.raises(FlowError) as too_many:
        await quotas.assign_with_quota(fay, spec=spec, quotas=[Quota(cal.id, 3)], limit=2)
    assert too_many.value.field == ["total"]

    result = await quotas.assign_with_quota(fay, spec=spec, quotas=[Quota(cal.id, 3)], limit=3)
    assert (result.selected, result.available, result.assigned, result.unassigned) == (
        6,
        5,
        3,
        2,
    )
    with pytest.raises(FlowError) as both:
        await quotas.assign_with_quota(
            fay, ticket_ids=[1], spec=spec, quotas=[Quota(cal.id, 1)], limit=3
        )
    assert both.value.code == ErrorCode.INVALID


async def test_candidates_by_group_role_name_and_department(shop: Shop):
    fay = shop.actor("fay")
    u = shop.users
    by_id = sorted([u["fay"], u["cal"]], key=lambda x: x.id)

    finance = await quotas.quota_candidates(fay, group_id=shop.groups["Finance"].id)
    assert [x.id for x in finance] == [x.id for x in by_id]

    supervisors = await quotas.quota_candidates(
        fay, group_id=shop.groups["Finance"].id, role=Role.SUPERVISOR
    )
    assert [x.username for x in supervisors] == ["fay"]

    assert [x.username for x in await quotas.quota_candidates(fay, name="  WAL ")] == ["walt"]

    top = await Department.create(tenant_id=shop.org.tenant.id, name="Back office")
    below = await Department.create(tenant_id=shop.org.tenant.id, name="Payments", parent=top)
    await User.filter(id=u["dee"].id).update(department_id=top.id)
    await User.filter(id=u["cal"].id).update(department_id=below.id)
    await User.filter(id=u["eve"].id).update(department_id=below.id, active=False)
    in_top = await quotas.quota_candidates(fay, department_id=top.id)
    assert {x.username for x in in_top} == {"dee", "cal"}
    assert [x.username for x in await quotas.quota_candidates(fay, department_id=below.id)] == [
        "cal"
    ]

    everyone = await quotas.quota_candidates(fay, limit=3)
    assert len(everyone) == 3
    with pytest.raises(FlowError):
        await quotas.quota_candidates(fay, limit=0)
