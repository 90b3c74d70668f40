"""SLA policies through GraphQL: administrators set and remove them, everyone in the tenant
reads them, another tenant's templates are not found; tickets show their targets."""

import asyncio
from typing import Any

from tests.shop import Shop
from tests.support import Api, OrgBuilder, gid
from workorder.flows.sla.sla import set_policy
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.models import Priority, SlaPolicy

POLICY = "priority responseMinutes resolutionMinutes updatedAt template { name }"
SET = f"""mutation($input: SetSlaPolicyInput!) {{ setSlaPolicy(input: $input) {{
  slaPolicy {{ {POLICY} }} errors {{ code message field }} }} }}"""
REMOVE = f"""mutation($input: RemoveSlaPolicyInput!) {{ removeSlaPolicy(input: $input) {{
  slaPolicy {{ {POLICY} }} errors {{ code message field }} }} }}"""
LIST = f"query($id: ID!) {{ slaPolicies(templateId: $id) {{ {POLICY} }} }}"
TICKET = """query($id: ID!) { node(id: $id) { ... on Ticket { priority createdAt responseDueAt
  dueAt } } }"""


async def run(shop: Shop, who: str, query: str, **input: Any) -> dict[str, Any]:
    data = await shop.gql(who, query, {"input": input})
    result: dict[str, Any] = next(iter(data.values()))
    return result


async def test_an_admin_sets_lists_and_removes_policies(shop: Shop):
    order = gid("Template", shop.order.id)
    made = await run(
        shop,
        "admin",
        SET,
        templateId=order,
        priority="URGENT",
        responseMinutes=15,
        resolutionMinutes=120,
    )
    assert made["errors"] == []
    assert made["slaPolicy"]["priority"] == "URGENT"
    assert made["slaPolicy"]["template"] == {"name": "Order"}
    assert (made["slaPolicy"]["responseMinutes"], made["slaPolicy"]["resolutionMinutes"]) == (
        15,
        120,
    )
    low = await run(shop, "admin", SET, templateId=order, priority="LOW", resolutionMinutes=2880)
    assert low["errors"] == [] and low["slaPolicy"]["responseMinutes"] is None
    replaced = await run(
        shop, "admin", SET, templateId=order, priority="URGENT", responseMinutes=10
    )
    assert replaced["slaPolicy"]["resolutionMinutes"] is None

    # Everyone in the tenant reads them, lowest priority first.
    listed = (await shop.gql("ann", LIST, {"id": order}))["slaPolicies"]
    assert [(p["priority"], p["responseMinutes"], p["resolutionMinutes"]) for p in listed] == [
        ("LOW", None, 2880),
        ("URGENT", 10, None),
    ]

    removed = await run(shop, "admin", REMOVE, templateId=order, priority="LOW")
    assert removed["errors"] == []
    assert removed["slaPolicy"]["resolutionMinutes"] == 2880
    again = await run(shop, "admin", REMOVE, templateId=order, priority="LOW")
    assert [e["code"] for e in again["errors"]] == ["NOT_FOUND"]
    assert await SlaPolicy.all().count() == 1


async def test_only_administrators_change_policies(shop: Shop):
    order = gid("Template", shop.order.id)
    for who in ("sam", "ann"):
        refused = await run(
            shop, who, SET, templateId=order, priority="NORMAL", resolutionMinutes=60
        )
        assert refused["slaPolicy"] is None
        assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    await set_policy(shop.org.admin_actor, shop.order.id, Priority.NORMAL, None, 60)
    refused = await run(shop, "sam", REMOVE, templateId=order, priority="NORMAL")
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    assert await SlaPolicy.all().count() == 1


async def test_invalid_targets_are_refused_next_to_their_input(shop: Shop):
    order = gid("Template", shop.order.id)
    bad = await run(
        shop,
        "admin",
        SET,
        templateId=order,
        priority="NORMAL",
        responseMinutes=120,
        resolutionMinutes=60,
    )
    assert [(e["code"], e["field"]) for e in bad["errors"]] == [("INVALID", ["resolutionMinutes"])]
    bad = await run(shop, "admin", SET, templateId=order, priority="NORMAL", responseMinutes=0)
    assert [(e["code"], e["field"]) for e in bad["errors"]] == [("INVALID", ["responseMinutes"])]
    bad = await run(
        shop, "admin", SET, templateId="bm90LWFuLWlk", priority="NORMAL", responseMinutes=5
    )
    assert [(e["code"], e["field"]) for e in bad["errors"]] == [("NOT_FOUND", ["templateId"])]
    assert await SlaPolicy.all().count() == 0


async def test_another_tenants_templates_are_not_found(shop: Shop, api: Api):
    other = await OrgBuilder.create(api, "globex")
    order = gid("Template", shop.order.id)
    await set_policy(shop.org.admin_actor, shop.order.id, Priority.NORMAL, None, 60)
    token = await other.token()
    data = await api.ok(
        SET,
        {"input": {"templateId": order, "priority": "NORMAL", "resolutionMinutes": 5}},
        token,
    )
    assert [e["code"] for e in data["setSlaPolicy"]["errors"]] == ["NOT_FOUND"]
    data = await api.ok(REMOVE, {"input": {"templateId": order, "priority": "NORMAL"}}, token)
    assert [e["code"] for e in data["removeSlaPolicy"]["errors"]] == ["NOT_FOUND"]
    body = await api.raw(LIST, {"id": order}, token)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    stored = await SlaPolicy.get()
    assert stored.resolution_minutes == 60


async def test_a_ticket_shows_its_targets(shop: Shop):
    await set_policy(shop.org.admin_actor, shop.order.id, Priority.HIGH, 30, 240)
    ticket = await create_ticket(
        shop.actor("ann"),
        NewTicket(
            template_id=shop.order.id,
            title="Kettle",
            priority=Priority.HIGH,
            fields={"order_no": "A-1"},
        ),
    )
    shown = (await shop.gql("ann", TICKET, {"id": gid("Ticket", ticket.id)}))["node"]
    assert ticket.response_due_at is not None and ticket.due_at is not None
    assert shown["priority"] == "HIGH"
    assert shown["responseDueAt"] == ticket.response_due_at.isoformat()
    assert shown["dueAt"] == ticket.due_at.isoformat()


async def test_the_server_runs_the_scheduler(app, settings):
    # Every server process checks for breaches while it runs, unless told not to (0).
    running = any(t.get_name() == "sla-scheduler" and not t.done() for t in asyncio.all_tasks())
    assert running == (settings.sla_check_seconds > 0)
