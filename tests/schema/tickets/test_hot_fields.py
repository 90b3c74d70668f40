"""A ticket's hot fields (assignee, currentStep, template, fields) read the same whether a
list page loaded their rows up front or the ticket is read on its own (node, ticket),
also when a query asks for one twice under aliases."""

from __future__ import annotations

from tests.schema.views.test_ticket_list_statements import _tickets
from tests.shop import Shop
from tests.support import OrgBuilder, gid
from workorder.flows.templates.versions import create_template
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.models import Role, User

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


async def test_a_ticket_read_alone_shows_each_caller_their_own_language(org: OrgBuilder) -> None:
    """What one request made of a field (its label, in its caller's language) never serves
    the next request."""
    template = await create_template(
        org.admin_actor,
        {
            "name": "Order",
            "fields": [
                {
                    "key": "order_no",
                    "label": "Order number",
                    "type": "TEXT",
                    "labels": {"zh": "订单号"},
                },
            ],
        },
    )
    ticket = await create_ticket(
        org.admin_actor,
        NewTicket(template_id=template.id, title="Kettle", fields={"order_no": "A-1"}),
    )
    zhang = await org.user("zhang", Role.ADMIN)
    await User.filter(id=zhang.id).update(locale="zh-CN")
    query = "query($id: ID!) { ticket(id: $id) { fields { key label } } }"
    variables = {"id": gid("Ticket", ticket.id)}
    for username, label in [("zhang", "订单号"), ("admin", "Order number"), ("zhang", "订单号")]:
        seen = await org.api.ok(query, variables, await org.token(username))
        assert seen["ticket"]["fields"] == [{"key": "order_no", "label": label}], username
