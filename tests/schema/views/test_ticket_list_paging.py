"""The ticket list pages backwards (`last`/`before`) as it pages forwards: the same tickets in
the same order, whoever asks (an agent's list merges several visibility branches, an
administrator's does not), in orders whose key may be null, with a filter; bad paging
arguments are refused with the argument named."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.schema.test_pagination import walk
from tests.schema.views.test_ticket_list_statements import counting
from tests.shop import Shop
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.models import Status, Ticket

LIST = """query($order: TicketOrderInput, $filter: TicketFilterInput, $first: Int,
  $after: String, $last: Int, $before: String) {
  tickets(orderBy: $order, filter: $filter, first: $first, after: $after, last: $last,
    before: $before) {
    edges { cursor node { title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


START = datetime(2026, 3, 1, tzinfo=UTC)
DUE = [None, START, None, START, START + timedelta(days=1), None, START, None, START, START]
UNDATED = {f"T{n}" for n, when in enumerate(DUE) if when is None}


async def _tickets(shop: Shop) -> None:
    """Ten tickets by Ann and Bob, due dates often null and sometimes tied, two closed."""
    for n, when in enumerate(DUE):
        made = await create_ticket(
            shop.actor("ann" if n % 3 else "bob"),
            NewTicket(template_id=shop.returns.id, title=f"T{n}", fields={"model": "TV-9"}),
        )
        status = Status.DONE if n in (2, 7) else made.status
        await Ticket.filter(id=made.id).update(due_at=when, status=status)


@pytest.mark.parametrize("who", ["ann", "sam", "admin"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("filtered", [False, True])
async def test_the_list_backwards_is_the_list(
    shop: Shop, who: str, descending: bool, filtered: bool
) -> None:
    await _tickets(shop)
    order = {"field": "DUE_AT", "descending": descending}
    narrowing = {"status": ["PENDING", "IN_PROGRESS"]} if filtered else None

    async def ask(**paging: Any) -> dict[str, Any]:
        variables = {"order": order, "filter": narrowing, **paging}
        page: dict[str, Any] = (await shop.gql(who, LIST, variables))["tickets"]
        return page

    everything = await ask(first=100)
    titles = [e["node"]["title"] for e in everything["edges"]]
    assert len(titles) >= 3, titles
    due_last = [t for t in titles if t in UNDATED]
    assert titles[-len(due_last) :] == due_last  # nulls last, in either direction
    for size in (1, 2):
        forwards, backwards = await walk(ask, size)
        assert backwards == forwards == [e["cursor"] for e in everything["edges"]]


async def test_the_last_tickets_and_the_ones_before_a_cursor(shop: Shop) -> None:
    await _tickets(shop)
    order = {"field": "DUE_AT", "descending": False}
    every = (await shop.gql("admin", LIST, {"order": order}))["tickets"]["edges"]
    titles = [e["node"]["title"] for e in every]
    last = (await shop.gql("admin", LIST, {"order": order, "last": 2}))["tickets"]
    assert [e["node"]["title"] for e in last["edges"]] == titles[-2:]
    assert last["pageInfo"]["hasNextPage"] is False
    assert last["pageInfo"]["hasPreviousPage"] is True
    middle = {"order": order, "last": 2, "before": every[3]["cursor"]}
    page = (await shop.gql("admin", LIST, middle))["tickets"]
    assert [e["node"]["title"] for e in page["edges"]] == titles[1:3]
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["hasPreviousPage"] is True
    window = {"order": order, "after": every[0]["cursor"], "before": every[3]["cursor"]}
    page = (await shop.gql("admin", LIST, window))["tickets"]
    assert [e["node"]["title"] for e in page["edges"]] == titles[1:3]


async def test_a_backwards_page_costs_the_same_statements_whatever_its_size(
    shop: Shop, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server's job runner polls in the background: its statements are not the page's.
    monkeypatch.setattr(app.state.job_runner, "paused", True)
    await asyncio.sleep(0.5)  # a round already under way finishes
    await _tickets(shop)
    token = await shop.token("ann")
    before = (await shop.org.api.ok(LIST, {"first": 10}, token))["tickets"]["edges"][-1]["cursor"]
    counts = []
    for size in (1, 5):
        with counting() as statements:
            page = await shop.org.api.ok(LIST, {"last": size, "before": before}, token)
        assert len(page["tickets"]["edges"]) == size
        counts.append(len(statements))
    assert counts[0] == counts[1]


LIST_ONLY = """query($order: TicketOrderInput, $first: Int, $after: String, $last: Int,
  $before: String) { tickets(orderBy: $order, first: $first, after: $after, last: $last,
  before: $before) { edges { cursor } } }"""
USERS = """query($first: Int, $after: String, $last: Int, $before: String) {
  users(first: $first, after: $after, last: $last, before: $before) { edges { cursor } } }"""


@pytest.mark.parametrize("query", [LIST_ONLY, USERS], ids=["tickets", "users"])
@pytest.mark.parametrize(
    ("paging", "field"),
    [
        ({"first": 1, "last": 1}, "last"),
        ({"last": 101}, "last"),
        ({"last": -1}, "last"),
        ({"last": 1, "before": "not a cursor"}, "before"),
        ({"before": "bm90IGpzb24="}, "before"),
        ({"after": "not a cursor", "last": 1}, "after"),
    ],
)
async def test_bad_paging_arguments_are_refused(
    shop: Shop, query: str, paging: dict[str, Any], field: str
) -> None:
    await _tickets(shop)
    token = await shop.token("admin")
    body = await shop.org.api.raw(query, paging, token)
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": [field]}


async def test_a_before_cursor_of_another_order_is_refused(shop: Shop) -> None:
    await _tickets(shop)
    token = await shop.token("admin")
    page = await shop.org.api.ok(LIST_ONLY, {"first": 2}, token)
    cursor = page["tickets"]["edges"][1]["cursor"]
    other = {"order": {"field": "NUMBER"}, "last": 1, "before": cursor}
    body = await shop.org.api.raw(LIST_ONLY, other, token)
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": ["before"]}
    assert "another query" in body["errors"][0]["message"]


async def test_has_previous_page_tells_whether_anything_precedes_the_cursor(shop: Shop) -> None:
    """Not merely whether `after` was given: once the tickets up to the cursor have left the
    list (closed, under a filter of open ones), nothing precedes the next page."""
    await _tickets(shop)
    token = await shop.token("admin")
    open_ones = {"filter": {"status": ["PENDING", "IN_PROGRESS"]}}
    first = (await shop.org.api.ok(LIST, {**open_ones, "first": 2}, token))["tickets"]
    after = {**open_ones, "first": 2, "after": first["pageInfo"]["endCursor"]}
    page = (await shop.org.api.ok(LIST, after, token))["tickets"]
    assert page["pageInfo"]["hasPreviousPage"] is True
    gone = [e["node"]["title"] for e in first["edges"]]
    await Ticket.filter(tenant_id=shop.org.tenant.id, title__in=gone).update(status=Status.DONE)
    page = (await shop.org.api.ok(LIST, after, token))["tickets"]
    assert page["pageInfo"]["hasPreviousPage"] is False
    assert page["edges"]
