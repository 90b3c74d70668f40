"""A page of a list is the next (with `last`/`before`: the previous) rows of the plain rule:
`ticket_page` takes each visibility branch's first rows and merges them, and paging through
it with cursors, forwards or backwards, must give exactly the visible tickets, in list order,
each once — over generated org charts (departments, reporting lines, sharing rules, groups,
links of every kind), for every user, in several orders, with and without a filter."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.auth.test_audience import _random_company
from tests.shop import Shop
from workorder.auth.actor import Actor
from workorder.auth.visibility import look_up_reach, visibility, visible_tickets
from workorder.flows.views.filters import TicketFilter
from workorder.flows.views.lists import ListSpec, Order, SortField, View, ticket_page
from workorder.models import PRIORITY_ORDER, Priority, Status, Ticket, User
from workorder.paging import answered

PAGE = 3
ORDERS = [
    Order(SortField.UPDATED_AT, descending=True),
    Order(SortField.UPDATED_AT, descending=False),
    Order(SortField.PRIORITY, descending=True),
    Order(SortField.DUE_AT, descending=False),
    Order(SortField.DUE_AT, descending=True),
]
FILTERS = [TicketFilter(), TicketFilter(statuses=(Status.PENDING, Status.IN_PROGRESS))]


async def _scatter(ticket_ids: list[int], rng: random.Random) -> None:
    """Sort values that tie now and then (ids break ties) and due dates that are often null."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for pk in ticket_ids:
        await Ticket.filter(id=pk).update(
            updated_at=start + timedelta(hours=rng.randrange(12)),
            due_at=rng.choice([None, start + timedelta(days=rng.randrange(3))]),
            priority=rng.choice(list(Priority)),
        )


def _sort_key(ticket: Ticket, order: Order) -> tuple[Any, ...]:
    """The list order, written out in Python: nulls last in either direction."""
    if order.field == SortField.PRIORITY:
        value: Any = PRIORITY_ORDER.index(Priority(ticket.priority))
    elif order.field == SortField.DUE_AT:
        value = ticket.due_at
    else:
        value = ticket.updated_at
    if value is None:
        return (1, 0, -ticket.id if order.descending else ticket.id)
    if isinstance(value, datetime):
        value = value.timestamp()
    sign = -1 if order.descending else 1
    return (0, sign * value, sign * ticket.id)


async def _paged(actor: Actor, spec: ListSpec) -> list[int]:
    """Every page from the first to the one without a next, following the cursors."""
    reach = await look_up_reach(actor)
    seen: list[int] = []
    after: str | None = None
    for _ in range(100):
        page = await ticket_page(actor, reach, spec, first=PAGE, after=after)
        seen += [t.id for t in page.tickets]
        assert await answered(page.has_previous) is (after is not None)
        assert len(page.tickets) == PAGE or not page.has_next
        if not page.has_next:
            return seen
        after = page.cursors[-1]
    raise AssertionError("the pages never end")


async def _paged_back(actor: Actor, spec: ListSpec) -> list[int]:
    """Every page from the last to the one without a previous (`last`/`before`), put back in
    list order; each page but the last one read says more follow it."""
    reach = await look_up_reach(actor)
    seen: list[int] = []
    before: str | None = None
    for n in range(100):
        page = await ticket_page(
            actor, reach, spec, first=None, after=None, last=PAGE, before=before
        )
        seen = [t.id for t in page.tickets] + seen
        assert await answered(page.has_next) is (n > 0)
        more = await answered(page.has_previous)
        assert len(page.tickets) == PAGE or not more
        if not more:
            return seen
        before = page.cursors[0]
    raise AssertionError("the pages never end")


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_pages_hold_exactly_the_visible_tickets_in_order(shop: Shop, seed: int) -> None:
    rng = random.Random(seed)
    ticket_ids = await _random_company(shop, rng)
    await _scatter(ticket_ids, rng)
    merged = 0
    for user in await User.filter(tenant_id=shop.org.tenant.id):
        actor = Actor.of(user)
        reach = await look_up_reach(actor)
        merged += len(visibility(actor, reach).branches) > 1
        visible = list(await (await visible_tickets(actor, reach)))
        for order in ORDERS:
            for narrowing in FILTERS:
                spec = ListSpec(view=View.ALL, filter=narrowing, order=order)
                wanted = [
                    t.id
                    for t in sorted(visible, key=lambda t: _sort_key(t, order))
                    if not narrowing.statuses or t.status in narrowing.statuses
                ]
                assert await _paged(actor, spec) == wanted, (user.username, order, narrowing)
                backwards = await _paged_back(actor, spec)
                assert backwards == wanted, (user.username, order, narrowing)
    assert merged  # the merged form really ran, for the non-administrators
