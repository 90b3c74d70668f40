"""The webhooks API: administrators register endpoints, read the delivery log, redeliver."""

from tests.flows.webhooks.receiver import receiving, settled_log
from tests.support import OrgBuilder
from workorder.ids import pk_of
from workorder.models import Role, WebhookEndpoint

CREATE = """mutation($input: CreateWebhookInput!) { createWebhook(input: $input) {
    secret webhook { id url eventTypes active ownerId } errors { code field message } } }"""
DELIVERIES = """query($id: ID!, $after: String) { webhookDeliveries(webhookId: $id, first: 1, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id messageId eventType status attempts lastResponseCode latencyMs payload } } } }"""
REDELIVER = """mutation($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) {
    delivery { id messageId status } errors { code field } } }"""


async def test_an_admin_registers_reads_the_log_and_redelivers(org: OrgBuilder):
    async with receiving() as receiver:
        made = await org.as_admin(
            CREATE,
            {"input": {"url": receiver.url, "eventTypes": ["TICKET_EVENT", "JOB_FINISHED"]}},
        )
        payload = made["createWebhook"]
        assert payload["errors"] == [] and payload["secret"].startswith("whsec_")
        hook = payload["webhook"]
        assert hook["eventTypes"] == ["TICKET_EVENT", "JOB_FINISHED"] and hook["active"]
        listed = await org.as_admin("{ webhooks { id url } }")
        assert listed["webhooks"] == [{"id": hook["id"], "url": receiver.url}]

        from tests.shop import build_shop
        from workorder.flows.tickets.create import NewTicket, create_ticket

        shop = await build_shop(org)
        await create_ticket(
            shop.actor("ann"),
            NewTicket(
                template_id=shop.order.id, title="Kettle", fields={"order_no": "B-2", "amount": 1}
            ),
        )
        endpoint_id = pk_of(hook["id"], "Webhook")
        assert endpoint_id is not None
        await settled_log(endpoint_id, 1)
        page = (await org.as_admin(DELIVERIES, {"id": hook["id"]}))["webhookDeliveries"]
        [edge] = page["edges"]
        node = edge["node"]
        assert (node["eventType"], node["status"], node["attempts"], node["lastResponseCode"]) == (
            "TICKET_EVENT",
            "DELIVERED",
            1,
            200,
        )
        assert node["payload"]["type"] == "ticket.event" and node["latencyMs"] is not None

        again = (await org.as_admin(REDELIVER, {"input": {"deliveryId": node["id"]}}))[
            "redeliverWebhook"
        ]
        assert again["errors"] == [] and again["delivery"]["messageId"] == node["messageId"]
        await receiver.wait_for(lambda got: len(got) == 2)
        assert receiver.requests[0].webhook_id == receiver.requests[1].webhook_id
        await settled_log(endpoint_id, 2)
        newest = (await org.as_admin(DELIVERIES, {"id": hook["id"]}))["webhookDeliveries"]
        assert newest["totalCount"] == 2 and newest["pageInfo"]["hasNextPage"]
        assert newest["edges"][0]["node"]["id"] == again["delivery"]["id"]

        off = await org.as_admin(
            """mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) {
                webhook { active } errors { code } } }""",
            {"input": {"id": hook["id"], "active": False}},
        )
        assert off["updateWebhook"] == {"webhook": {"active": False}, "errors": []}
        gone = await org.as_admin(
            """mutation($input: DeleteWebhookInput!) { deleteWebhook(input: $input) {
                webhook { id } errors { code } } }""",
            {"input": {"id": hook["id"]}},
        )
        assert gone["deleteWebhook"]["errors"] == []
        assert await WebhookEndpoint.all().count() == 0


async def test_bad_input_gets_typed_errors_and_stores_nothing(org: OrgBuilder):
    cases = [
        ({"url": "gopher://example.com/", "eventTypes": ["TICKET_EVENT"]}, ["url"]),
        ({"url": "https://example.com/", "eventTypes": []}, ["eventTypes"]),
        (
            {
                "url": "https://example.com/",
                "eventTypes": ["TICKET_EVENT"],
                "secret": "whsec_c2hvcnQ=",
            },
            ["secret"],
        ),
    ]
    for given, field in cases:
        data = await org.as_admin(CREATE, {"input": given})
        [error] = data["createWebhook"]["errors"]
        assert (error["code"], error["field"]) == ("INVALID", field), given
        assert data["createWebhook"]["webhook"] is None and data["createWebhook"]["secret"] is None
    unknown = await org.api.raw(
        CREATE,
        {"input": {"url": "https://example.com/", "eventTypes": ["NOT_A_TYPE"]}},
        await org.token(),
    )
    assert "errors" in unknown  # the enum itself refuses it, before any resolver
    assert await WebhookEndpoint.all().count() == 0


async def test_a_non_admin_is_refused(org: OrgBuilder):
    await org.user("agent", Role.AGENT)
    token = await org.token("agent")
    data = await org.api.ok(
        CREATE, {"input": {"url": "https://example.com/", "eventTypes": ["TICKET_EVENT"]}}, token
    )
    assert [e["code"] for e in data["createWebhook"]["errors"]] == ["FORBIDDEN"]
    listed = await org.api.raw("{ webhooks { id } }", token=token)
    assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await WebhookEndpoint.all().count() == 0
