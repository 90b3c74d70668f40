"""`ticket.timeline` (the trace a page at a time, with actors and files), and the list-view
fields `lastEvents`, `attachmentCount` and `attachments`, each loaded once for a whole page
of tickets — here the tickets of a notification list, the one list of tickets the API has
outside of the ticket list itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from tortoise.connection import get_connection

from tests.shop import Shop
from tests.support import gid
from workorder.flows.tickets.closing import delete_ticket
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.handling import claim_ticket
from workorder.flows.tickets.moves import forward_ticket
from workorder.flows.tickets.notes import note_ticket
from workorder.models import Attachment, Ticket, User

TIMELINE = """query($id: ID!, $first: Int, $after: String) { ticket(id: $id) {
  timeline(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { kind comment actor { username }
      attachments { id filename size downloadUrl } } } } } }"""


async def _order(shop: Shop, user: str = "ann", title: str = "Three kettles") -> Ticket:
    return await create_ticket(
        shop.actor(user),
        NewTicket(template_id=shop.order.id, title=title, fields={"order_no": "A-100"}),
    )


async def _file(shop: Shop, user: str, filename: str) -> Attachment:
    """An uploaded file's row (the bytes are not needed to list it)."""
    uploader: User = shop.users[user]
    return await Attachment.create(
        tenant_id=shop.org.tenant.id,
        sha256=f"{len(filename):064x}",
        filename=filename,
        content_type="application/pdf",
        size=len(filename) * 100,
        uploaded_by_id=uploader.id,
    )


@contextmanager
def captured_sql(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SQL statement the default connection runs inside the block."""
    connection = get_connection("default")
    sql: list[str] = []
    with monkeypatch.context() as patch:
        for name in ("execute_query", "execute_query_dict"):
            original = getattr(connection, name)

            async def counted(query: str, *args: Any, _original: Any = original, **kw: Any) -> Any:
                sql.append(query)
                return await _original(query, *args, **kw)

            patch.setattr(connection, name, counted)
        yield sql


async def _timeline(
    shop: Shop, user: str, ticket: Ticket, first: int | None = None, after: str | None = None
) -> dict[str, Any]:
    data = await shop.gql(
        user, TIMELINE, {"id": gid("Ticket", ticket.id), "first": first, "after": after}
    )
    assert data["ticket"] is not None, f"{user} does not see the ticket"
    timeline: dict[str, Any] = data["ticket"]["timeline"]
    return timeline


async def test_timeline_pages_oldest_first_with_actors_and_files(shop: Shop):
    ticket = await _order(shop)
    receipt = await _file(shop, "ann", "receipt.pdf")
    await note_ticket(shop.actor("ann"), ticket.id, "The receipt", [receipt.id])
    await forward_ticket(shop.actor("ann"), ticket.id)
    await claim_ticket(shop.actor("cal"), ticket.id)

    everything = await _timeline(shop, "cal", ticket)
    trace = [(e["node"]["kind"], e["node"]["actor"]["username"]) for e in everything["edges"]]
    assert trace[-3:] == [("NOTED", "ann"), ("FORWARDED", "ann"), ("CLAIMED", "cal")]
    assert trace[0] == ("CREATED", "ann")
    assert everything["totalCount"] == len(trace) >= 4
    assert everything["pageInfo"]["hasNextPage"] is False

    first = await _timeline(shop, "cal", ticket, first=2)
    assert [e["node"]["kind"] for e in first["edges"]] == [k for k, _ in trace[:2]]
    assert first["totalCount"] == len(trace)
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]

    rest = await _timeline(shop, "cal", ticket, first=2, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["kind"] for e in rest["edges"]] == [k for k, _ in trace[2:4]]
    assert rest["totalCount"] == len(trace)
    assert rest["pageInfo"]["hasPreviousPage"] is True
    assert rest["pageInfo"]["hasNextPage"] is (len(trace) > 4)

    pages = [first, rest]
    while pages[-1]["pageInfo"]["hasNextPage"]:
        pages.append(
            await _timeline(shop, "cal", ticket, first=2, after=pages[-1]["pageInfo"]["endCursor"])
        )
    walked = [e["node"] for page in pages for e in page["edges"]]
    assert walked == [e["node"] for e in everything["edges"]]

    (noted,) = [e for e in walked if e["kind"] == "NOTED"]
    assert noted["comment"] == "The receipt"
    assert noted["attachments"] == [
        {
            "id": gid("Attachment", receipt.id),
            "filename": "receipt.pdf",
            "size": receipt.size,
            "downloadUrl": f"/files/{gid('Attachment', receipt.id)}",
        }
    ]
    assert all(e["attachments"] == [] for e in walked if e["kind"] != "NOTED")


async def test_a_bad_timeline_cursor_or_page_size_is_an_error(shop: Shop):
    ticket = await _order(shop)
    token = await shop.token("ann")
    bad: list[dict[str, Any]] = [{"after": "garbage"}, {"first": -1}, {"first": 101}]
    for variables in bad:
        body = await shop.org.api.raw(
            TIMELINE, {"id": gid("Ticket", ticket.id), **variables}, token
        )
        assert body["data"]["ticket"] is None, variables
        assert body["errors"][0]["path"] == ["ticket", "timeline"], variables
        assert body["errors"][0]["extensions"]["code"] == "INVALID", variables


LIST = """{ notifications { edges { node { ticket { title
  lastEvents { kind actor { username } }
  two: lastEvents(count: 2) { kind }
  none: lastEvents(count: 0) { kind }
  attachmentCount
  attachments { filename uploadedBy { username } }
  followUpOf { title } } } } } }"""


async def _page_of_tickets(shop: Shop) -> tuple[Ticket, Ticket]:
    """Two orders forwarded to Finance, so Finance's Cal has a notification for each; the
    first carries two notes with files, the second one note without."""
    kettles = await _order(shop, title="Kettles")
    mugs = await _order(shop, title="Mugs")
    receipt = await _file(shop, "ann", "receipt.pdf")
    invoice = await _file(shop, "ann", "invoice.pdf")
    await note_ticket(shop.actor("ann"), kettles.id, "Receipt", [receipt.id])
    await note_ticket(shop.actor("ann"), kettles.id, "Invoice", [invoice.id, receipt.id])
    await note_ticket(shop.actor("ann"), mugs.id, "No file")
    for ticket in (kettles, mugs):
        await forward_ticket(shop.actor("ann"), ticket.id)
    return kettles, mugs


async def test_list_fields_of_two_tickets_in_one_request(shop: Shop):
    await _page_of_tickets(shop)
    data = await shop.gql("fay", LIST)
    tickets = {
        e["node"]["ticket"]["title"]: e["node"]["ticket"] for e in data["notifications"]["edges"]
    }
    kettles, mugs = tickets["Kettles"], tickets["Mugs"]

    assert kettles["lastEvents"] == [
        {"kind": "FORWARDED", "actor": {"username": "ann"}},
        {"kind": "NOTED", "actor": {"username": "ann"}},
        {"kind": "NOTED", "actor": {"username": "ann"}},
    ]
    assert kettles["two"] == [{"kind": "FORWARDED"}, {"kind": "NOTED"}]
    assert mugs["lastEvents"][:2] == [
        {"kind": "FORWARDED", "actor": {"username": "ann"}},
        {"kind": "NOTED", "actor": {"username": "ann"}},
    ]
    assert mugs["two"] == [{"kind": "FORWARDED"}, {"kind": "NOTED"}]
    assert kettles["none"] == mugs["none"] == []

    assert (kettles["attachmentCount"], mugs["attachmentCount"]) == (2, 0)
    assert kettles["attachments"] == [
        {"filename": "receipt.pdf", "uploadedBy": {"username": "ann"}},
        {"filename": "invoice.pdf", "uploadedBy": {"username": "ann"}},
    ]
    assert mugs["attachments"] == []
    assert kettles["followUpOf"] is None


async def test_list_fields_load_once_for_the_whole_page(shop: Shop, monkeypatch):
    for _ in range(3):
        await _page_of_tickets(shop)
    token = await shop.token("fay")
    with captured_sql(monkeypatch) as sql:
        data = await shop.org.api.ok(
            """{ notifications { edges { node { ticket {
              lastEvents { kind actor { username } } attachmentCount
              attachments { filename } } } } } }""",
            token=token,
        )
    assert len(data["notifications"]["edges"]) == 6
    ranked = [q for q in sql if "ROW_NUMBER()" in q]
    counted = [q for q in sql if '"ticket_attachment"' in q and "COUNT(" in q]
    linked = [q for q in sql if '"ticket_attachment"' in q and "COUNT(" not in q]
    visible = [q for q in sql if 'FROM "ticket"' in q]
    assert len(ranked) == 1, ranked
    assert len(counted) == 1, counted
    assert len(linked) == 1, linked
    assert len(visible) == 1, visible  # the notifications' tickets, through the visibility rule


async def test_last_events_refuses_a_count_out_of_range(shop: Shop):
    ticket = await _order(shop)
    token = await shop.token("ann")
    for count in (-1, 51):
        body = await shop.org.api.raw(
            "query($id: ID!, $n: Int!) { ticket(id: $id) { lastEvents(count: $n) { kind } } }",
            {"id": gid("Ticket", ticket.id), "n": count},
            token,
        )
        assert body["data"]["ticket"] is None
        assert body["errors"][0]["extensions"]["code"] == "INVALID", body


async def test_links_to_other_tickets_show_only_what_the_caller_may_see(shop: Shop):
    """followUpOf and Notification.ticket go through the visibility rule (batched)."""
    original = await _order(shop, title="Original")
    await forward_ticket(shop.actor("ann"), original.id)  # now waits in Finance
    follow_up = await create_ticket(
        shop.actor("bob"),
        NewTicket(
            template_id=shop.order.id,
            title="Follow-up",
            fields={"order_no": "A-101"},
            follow_up_of_id=original.id,
        ),
    )
    query = "query($id: ID!) { ticket(id: $id) { title followUpOf { title } } }"
    variables = {"id": gid("Ticket", follow_up.id)}
    # Bob, in Sales, handles the follow-up but not the original, which waits in Finance.
    for user, shown in [("bob", None), ("admin", {"title": "Original"})]:
        seen = await shop.gql(user, query, variables)
        assert seen["ticket"] == {"title": "Follow-up", "followUpOf": shown}, user

    listed = "{ notifications { edges { node { kind ticket { title } } } } }"
    before = await shop.gql("cal", listed)
    assert [e["node"]["ticket"] for e in before["notifications"]["edges"]] == [
        {"title": "Original"}
    ]
    await delete_ticket(shop.actor("admin"), original.id)
    after = await shop.gql("cal", listed)
    assert [e["node"]["ticket"] for e in after["notifications"]["edges"]] == [None]
