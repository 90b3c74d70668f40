"""A ticket's hot fields (assignee, currentStep, template, fields) read the same whether a
list page loaded their rows up front or the ticket is read on its own (node, ticket),
also when a query asks for one twice under aliases."""

from __future__ import annotations

from tests.schema.views.test_ticket_list_statements import _tickets
from tests.shop import Shop

HOT = """
  assignee { username } again: assignee { displayName username }
  currentStep { key name } template { name }
  fields { key value display } more: fields { key display }
"""
LIST = "query { tickets(first: 6) { edges { node { id " + HOT + " } } } }"
ONE = (
    "query($id: ID!) { ticket(id: $id) { id "
    + HOT
    + " } node(id: $id) { ... on Ticket { id "
    + HOT
    + " } } }"
)


async def test_a_list_row_and_the_ticket_alone_show_the_same_hot_fields(shop: Shop) -> None:
    await _tickets(shop, 6)
    token = await shop.token("admin")
    rows = [e["node"] for e in (await shop.org.api.ok(LIST, {}, token))["tickets"]["edges"]]
    assert len(rows) == 6
    amounts = {next(f["value"] for f in r["fields"] if f["key"] == "amount") for r in rows}
    assert amounts == set(range(6))  # values shared within a page stay each row's own
    for row in rows:
        assert row["assignee"] is None or row["again"]["username"] == row["assignee"]["username"]
        assert [f["display"] for f in row["more"]] == [f["display"] for f in row["fields"]]
        alone = await shop.org.api.ok(ONE, {"id": row["id"]}, token)
        assert alone["ticket"] == row
        assert alone["node"] == row
